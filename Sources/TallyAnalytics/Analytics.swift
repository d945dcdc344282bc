import TallyQuery

/// The contact-center functions Analytics adds to the query engine: KPI aggregates, Erlang
/// staffing, and the forecast / anomaly / recommendation table functions.
public enum Analytics {
    /// Registers every Analytics function into `registry`.
    public static func register(into registry: FunctionRegistry) {
        DomainAggregates.register(into: registry)
        ErlangFunctions.register(into: registry)
        TableFunctions.register(into: registry)
        StaffingPlan.register(into: registry)
    }

    /// Adds the Analytics functions to `FunctionRegistry.shared` once, however often it is called;
    /// every entry point that builds sessions (CLI, server engine) calls it at start-up.
    public static func installIntoSharedRegistry() { _ = installed }

    private static let installed: Void = register(into: .shared)
}
