import Synchronization

/// A bounded cache of decoded column chunks, shared by every segment of a store, so hot data is
/// decoded once rather than on every query. Evicts least-recently-used blocks past its byte budget.
public final class BlockCache: Sendable {
    struct Key: Hashable {
        let segment: UInt64
        let rowGroup: UInt32
        let column: UInt32
    }

    struct Entry {
        let data: ColumnData
        let cost: Int
        var lastUse: UInt64
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The budget in bytes of decoded data.
    public let capacity: Int
    private let state = Locked(State())

    public init(capacity: Int) {
        self.capacity = capacity
    }

    func get(_ key: Key) -> ColumnData? {
        state.withLock { s in
            s.tick &+= 1
            guard var e = s.entries[key] else { s.misses += 1; return nil }
            e.lastUse = s.tick
            s.entries[key] = e
            s.hits += 1
            return e.data
        }
    }

    func put(_ key: Key, _ data: ColumnData, cost: Int) {
        state.withLock { s in
            s.tick &+= 1
            if let old = s.entries.updateValue(Entry(data: data, cost: cost, lastUse: s.tick), forKey: key) {
                s.bytes -= old.cost
            }
            s.bytes += cost
            guard s.bytes > capacity else { return }
            // Evict down to 90 % in one pass so the sort is paid rarely.
            let target = capacity / 10 * 9
            for (k, e) in s.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                if s.bytes <= target { break }
                s.entries[k] = nil
                s.bytes -= e.cost
            }
        }
    }

    /// Drops every block of a segment (when the segment is deleted).
    func evict(segment: UInt64) {
        state.withLock { s in
            for k in s.entries.keys where k.segment == segment {
                s.bytes -= s.entries[k]!.cost
                s.entries[k] = nil
            }
        }
    }

    /// Hits, misses and bytes held, for health reports.
    public var stats: (hits: Int, misses: Int, bytes: Int, blocks: Int) {
        state.withLock { ($0.hits, $0.misses, $0.bytes, $0.entries.count) }
    }
}
