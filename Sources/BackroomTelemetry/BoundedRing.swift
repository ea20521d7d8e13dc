/// The newest `capacity` elements; older ones fall off. Not thread-safe on
/// its own: owners guard it.
public struct BoundedRing<Element> {
    public let capacity: Int
    private var storage: [Element] = []
    private var start = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring holds at least one element")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }

    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[start] = element
            start = (start + 1) % capacity
        }
    }

    /// The element at `position`, oldest first (0 is the oldest): no copy
    /// of the ring, for readers that scan it (and owners that reorder the
    /// newest few in place).
    public subscript(position: Int) -> Element {
        get { storage[(start + position) % storage.count] }
        set { storage[(start + position) % storage.count] = newValue }
    }

    /// Oldest first.
    public var elements: [Element] {
        Array(storage[start...] + storage[..<start])
    }

    /// The newest `limit` elements, oldest first.
    public func suffix(_ limit: Int) -> [Element] {
        let all = elements
        return Array(all.suffix(limit))
    }
}

extension BoundedRing: Sendable where Element: Sendable {}
