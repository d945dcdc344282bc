// TallyQuery: the SQL front end (Parse/), and later the binder, planner and executor.
@_exported import TallyStorage
