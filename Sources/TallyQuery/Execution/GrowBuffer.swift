/// A manually managed growable array for aggregate state: hot loops take its raw pointer once per
/// batch instead of going through Swift array access in a class (exclusivity and CoW checks).
struct GrowBuffer<T> {
    private(set) var ptr: UnsafeMutablePointer<T>
    private(set) var capacity: Int
    let fill: T

    init(fill: T, capacity: Int = 16) {
        self.fill = fill
        self.capacity = max(capacity, 1)
        ptr = .allocate(capacity: self.capacity)
        ptr.initialize(repeating: fill, count: self.capacity)
    }

    /// Makes indices 0..<n valid (new slots hold `fill`).
    mutating func ensure(_ n: Int) {
        guard n > capacity else { return }
        var c = capacity
        while c < n { c *= 2 }
        let p = UnsafeMutablePointer<T>.allocate(capacity: c)
        p.moveInitialize(from: ptr, count: capacity)
        (p + capacity).initialize(repeating: fill, count: c - capacity)
        ptr.deallocate()
        ptr = p
        capacity = c
    }

    func free() {
        ptr.deinitialize(count: capacity)
        ptr.deallocate()
    }

    subscript(i: Int) -> T {
        get { ptr[i] }
        nonmutating set { ptr[i] = newValue }
    }
}
