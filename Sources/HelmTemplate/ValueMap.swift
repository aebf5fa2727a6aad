/// A dict of template values. Go's maps are shared: `set`, `unset` and `merge` change a dict in
/// place and every holder sees the change (the values, the dot, a variable), so a `ValueMap`
/// holds its entries by reference; those functions change them with `setShared` and friends.
/// Any other change copies first (copy on write): building values never touches another's.
public struct ValueMap: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    final class Storage: @unchecked Sendable {
        var entries: [String: Value]
        init(_ entries: [String: Value]) { self.entries = entries }
    }

    private var storage: Storage
    /// Its Go type: `map[string]interface {}` unless Helm or a function made it otherwise.
    public let type: GoType
    /// Made as Go's nil map (`nilMap`); it stays one while nothing is put in it.
    private var madeNil = false
    /// Go's nil map: empty, but `null` to `toJson` and `toYaml` (`.Chart.Annotations` of a
    /// chart without any, a `nil` given for a dict).
    public var isNil: Bool { madeNil && storage.entries.isEmpty }

    public init(_ entries: [String: Value] = [:], type: GoType = .interfaceMap) {
        storage = Storage(entries)
        self.type = type
    }

    /// A nil map of `type`.
    static func nilMap(_ type: GoType) -> ValueMap {
        var map = ValueMap([:], type: type)
        map.madeNil = true
        return map
    }
    public init(dictionaryLiteral elements: (String, Value)...) { self.init(Dictionary(elements, uniquingKeysWith: { _, last in last })) }

    private init(storage: Storage, type: GoType) {
        self.storage = storage
        self.type = type
    }

    /// The same dict (its entries shared, as Go shares a map) seen as another Go type of map:
    /// the values as the `common.Values` Helm hands a template.
    func typed(_ type: GoType) -> ValueMap { ValueMap(storage: storage, type: type) }

    /// The entries as a plain dictionary (a snapshot).
    public var entries: [String: Value] { storage.entries }
    public var keys: Dictionary<String, Value>.Keys { storage.entries.keys }
    public var count: Int { storage.entries.count }
    public var isEmpty: Bool { storage.entries.isEmpty }

    public subscript(key: String) -> Value? {
        get { storage.entries[key] }
        set {
            copyIfShared()
            storage.entries[key] = newValue
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        copyIfShared()
        return storage.entries.removeValue(forKey: key)
    }

    public func makeIterator() -> Dictionary<String, Value>.Iterator { storage.entries.makeIterator() }

    public func filter(_ isIncluded: ((key: String, value: Value)) throws -> Bool) rethrows -> ValueMap {
        ValueMap(try storage.entries.filter(isIncluded), type: type)
    }

    public func mapValues(_ transform: (Value) throws -> Value) rethrows -> ValueMap { ValueMap(try storage.entries.mapValues(transform), type: type) }

    /// Go's in-place change: every holder of this dict sees it.
    func setShared(_ key: String, _ value: Value) { storage.entries[key] = value }

    func removeShared(_ key: String) { storage.entries.removeValue(forKey: key) }

    private mutating func copyIfShared() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.entries) }
    }

    /// Go's `reflect.DeepEqual`: the same type, nil or not, and entries.
    public static func == (a: ValueMap, b: ValueMap) -> Bool {
        a.type == b.type && a.isNil == b.isNil && (a.storage === b.storage || a.storage.entries == b.storage.entries)
    }
}
