import TallyQuery

extension DataModel {
    /// The two built-in rollups over agent_metrics, as the statements that define them. Days are UTC days.
    public static let rollupSQL = """
        CREATE MATERIALIZED VIEW IF NOT EXISTS daily_performance_summary AS
        SELECT date_trunc('day', started_at) AS day, agent_id, sector,
               count(*) AS calls,
               count(*) FILTER (WHERE outcome <> 'abandoned') AS handled,
               count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
               sum(handle_s) FILTER (WHERE outcome <> 'abandoned') AS sum_handle_s_handled,
               count(handle_s) FILTER (WHERE outcome <> 'abandoned') AS n_handle_s_handled,
               \(commonMeasures)
        FROM agent_metrics GROUP BY 1, 2, 3;

        CREATE MATERIALIZED VIEW IF NOT EXISTS sector_performance_summary AS
        SELECT date_trunc('day', started_at) AS day, sector, outcome,
               count(*) AS calls,
               \(commonMeasures)
        FROM agent_metrics GROUP BY 1, 2, 3;
        """

    /// The measures both built-in rollups keep: answered/FCR/transfer counts and every sum with its count.
    static let commonMeasures = """
        count(answered_at) AS answered,
               count(*) FILTER (WHERE first_contact_resolved) AS fcr,
               count(*) FILTER (WHERE transferred) AS transferred,
               sum(handle_s) AS sum_handle_s, count(handle_s) AS n_handle_s,
               sum(talk_s) AS sum_talk_s, count(talk_s) AS n_talk_s,
               sum(hold_s) AS sum_hold_s, count(hold_s) AS n_hold_s,
               sum(wrap_s) AS sum_wrap_s, count(wrap_s) AS n_wrap_s,
               sum(queue_wait_s) AS sum_queue_wait_s, count(queue_wait_s) AS n_queue_wait_s,
               sum(queue_wait_s) FILTER (WHERE answered_at IS NOT NULL) AS sum_queue_wait_s_answered,
               count(queue_wait_s) FILTER (WHERE answered_at IS NOT NULL) AS n_queue_wait_s_answered,
               sum(quality_score) AS quality_sum, count(quality_score) AS quality_n,
               sum(revenue) AS revenue, count(revenue) AS n_revenue,
               sum(cost) AS cost, count(cost) AS n_cost,
               min(handle_s) AS min_handle_s, max(handle_s) AS max_handle_s
        """

    /// Defines the built-in rollups for a tenant (if its agent_metrics lacks them). Idempotent.
    public static func installRollups(catalog: Catalog, tenant: String) throws {
        let store = try catalog.tenant(tenant)
        guard store.hasTable("agent_metrics") else { return }
        _ = try Session(catalog: catalog, scope: .tenant(tenant)).executeScript(rollupSQL)
    }
}
