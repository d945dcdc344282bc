// TallyGen: the deterministic realistic data generator (see Generator), with a CSV writer
// (CSVTableWriter) so that other engines can load the very same data.
@_exported import TallyStorage
