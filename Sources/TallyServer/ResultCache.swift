import Synchronization
import TallyQuery
import TallyStorage

/// The data version of one table as a query saw it.
public struct TableVersion: Sendable, Hashable {
    public var tenant: String
    public var table: String
    /// Identity of the open table store: a dropped and re-created table restarts its versions.
    public var store: ObjectIdentifier?
    /// nil when the table does not exist (a later CREATE then invalidates the entry).
    public var version: UInt64?
}

/// Answers of read queries, keyed by scope, canonical statement and parameters, and valid only
/// while every table the query read still has the data version it had before the query ran.
///
/// Versions are taken *before* running: a write that lands during the run changes a version, so
/// the entry is never served (it may be stored, but it fails validation at once). Entries are
/// also tied to a DDL epoch that any CREATE or DROP through the server advances.
public final class ResultCache: Sendable {
    /// Who the answer was computed for: one tenant, or the admin all-tenants scope.
    public struct Key: Sendable, Hashable {
        public var scope: String
        public var statement: String
        public var parameters: [Value]
    }

    /// A cached answer: the JSON members `"columns":…,"rows":…,"row_count":n` ready to send.
    public struct Entry: Sendable {
        public var body: String
        public var rowCount: Int
        public var versions: [TableVersion]
        var epoch: UInt64
        var lastUsed: UInt64 = 0
        var bytes: Int { body.utf8.count + 64 * versions.count + 128 }
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    private let state = Locked(State())
    private let ddlEpoch = Atomic<UInt64>(0)
    public let capacityBytes: Int
    public let maxEntryBytes: Int

    public init(capacityBytes: Int, maxEntryBytes: Int) {
        self.capacityBytes = capacityBytes
        self.maxEntryBytes = maxEntryBytes
    }

    /// The current DDL epoch (read before running a query, stored with its entry).
    public var epoch: UInt64 { ddlEpoch.load(ordering: .acquiring) }

    /// Invalidates every entry: table definitions changed.
    public func tablesChanged() { ddlEpoch.add(1, ordering: .releasing) }

    /// The entry for `key` if it is still valid; `versions` computes the current versions of the
    /// tables it lists.
    public func lookup(_ key: Key, versions: ([TableVersion]) -> [TableVersion]) -> Entry? {
        guard capacityBytes > 0 else { return nil }
        let candidate = state.withLock { s -> Entry? in
            guard var e = s.entries[key] else { s.misses += 1; return nil }
            s.clock += 1
            e.lastUsed = s.clock
            s.entries[key] = e
            return e
        }
        guard let e = candidate else { return nil }
        guard e.epoch == epoch, versions(e.versions) == e.versions else {
            state.withLock { s in
                s.misses += 1
                if let old = s.entries.removeValue(forKey: key) { s.bytes -= old.bytes }
            }
            return nil
        }
        state.withLock { $0.hits += 1 }
        return e
    }

    /// Stores an answer computed with the given versions (read before the query ran).
    public func store(_ key: Key, body: String, rowCount: Int, versions: [TableVersion], epoch: UInt64) {
        var e = Entry(body: body, rowCount: rowCount, versions: versions, epoch: epoch)
        guard capacityBytes > 0, e.bytes <= maxEntryBytes, e.bytes <= capacityBytes else { return }
        state.withLock { s in
            s.clock += 1
            e.lastUsed = s.clock
            if let old = s.entries.updateValue(e, forKey: key) { s.bytes -= old.bytes }
            s.bytes += e.bytes
            if s.bytes > capacityBytes {
                // Evict least recently used entries down to 3/4 of the budget, so eviction (a
                // sort of the entries) runs rarely.
                let target = capacityBytes * 3 / 4
                for (k, v) in s.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                    if s.bytes <= target { break }
                    s.entries[k] = nil
                    s.bytes -= v.bytes
                }
            }
        }
    }

    /// Hits, misses, entries and bytes (for tests and the server's log).
    public var statistics: (hits: Int, misses: Int, entries: Int, bytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.entries.count, $0.bytes) }
    }

    // MARK: what may be cached

    /// Words that make a statement's answer depend on when or how often it runs.
    static let volatileWords: Set<String> = ["now", "current_timestamp", "current_date", "current_time", "localtimestamp",
                                             "localtime", "today", "get_current_timestamp", "random", "rand", "uuid",
                                             "gen_random_uuid", "setseed", "clock_timestamp", "statement_timestamp",
                                             "transaction_timestamp"]

    /// The words (identifier-like runs) of canonical statement text, lowercased.
    static func words(_ text: String) -> Set<String> {
        var out = Set<String>()
        var cur: [UInt8] = []
        for c in text.utf8 {
            if RequestParser.isIdentByte(c) { cur.append(c | (c >= 65 && c <= 90 ? 0x20 : 0)) } else if !cur.isEmpty {
                out.insert(String(decoding: cur, as: UTF8.self))
                cur.removeAll(keepingCapacity: true)
            }
        }
        if !cur.isEmpty { out.insert(String(decoding: cur, as: UTF8.self)) }
        return out
    }

    /// True when the statement text mentions nothing time- or chance-dependent. Conservative by
    /// design: now() is folded to a constant by the binder, so it can only be seen in the text;
    /// a column that happens to be called "today" merely disables caching for that query.
    public static func isDeterministic(_ canonical: String) -> Bool {
        // System tables (tally_tables, …) describe the store's files and cache, which change
        // without any table's data version changing.
        words(canonical).isDisjoint(with: volatileWords) && words(canonical).isDisjoint(with: SystemTables.names)
    }

    /// Candidate tables of a statement: its words that name a table in scope. A superset of the
    /// tables it reads (CTE and column names that match nothing are dropped).
    static func candidateTables(_ canonical: String, exists: (String) -> Bool) -> [String] {
        words(canonical).filter { Identifier.isValid($0) && exists($0) }.sorted()
    }
}
