@_exported import TallyStorage
