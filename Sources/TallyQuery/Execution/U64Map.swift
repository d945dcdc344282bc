/// An open-addressing hash map from UInt64 keys to dense UInt32 ids, in manually managed memory so
/// lookups in hot loops touch no Swift array or class property checks.
/// Not thread-safe: each aggregation worker owns its own.
struct U64Map {
    private(set) var keys: UnsafeMutablePointer<UInt64>
    /// id + 1; 0 marks an empty slot.
    private(set) var slots: UnsafeMutablePointer<UInt32>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        self.capacity = c
        keys = .allocate(capacity: c)
        slots = .allocate(capacity: c)
        slots.initialize(repeating: 0, count: c)
    }

    func free() {
        keys.deallocate()
        slots.deallocate()
    }

    @inline(__always)
    static func hash(_ k: UInt64) -> Int {
        var h = k &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    /// The id of `key`, assigning `count` (the next dense id) when it is new; `isNew` tells which.
    @inline(__always)
    mutating func findOrInsert(_ key: UInt64, isNew: inout Bool) -> UInt32 {
        let mask = capacity - 1
        var s = U64Map.hash(key) & mask
        while true {
            let v = slots[s]
            if v == 0 {
                let id = UInt32(count)
                keys[s] = key
                slots[s] = id + 1
                count += 1
                isNew = true
                if count * 2 > capacity { grow() }
                return id
            }
            if keys[s] == key { return v - 1 }
            s = (s + 1) & mask
        }
    }

    /// The id of `key`, or nil.
    func find(_ key: UInt64) -> UInt32? {
        let mask = capacity - 1
        var s = U64Map.hash(key) & mask
        while true {
            let v = slots[s]
            if v == 0 { return nil }
            if keys[s] == key { return v - 1 }
            s = (s + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldSlots = slots, oldCap = capacity
        capacity *= 2
        keys = .allocate(capacity: capacity)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        let mask = capacity - 1
        for i in 0..<oldCap where oldSlots[i] != 0 {
            var s = U64Map.hash(oldKeys[i]) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            keys[s] = oldKeys[i]
            slots[s] = oldSlots[i]
        }
        oldKeys.deallocate()
        oldSlots.deallocate()
    }
}
