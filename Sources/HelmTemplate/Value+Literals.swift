/// Values written as Swift literals (for tests and Helm's built-in objects).
extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(ValueList(elements)) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .map(ValueMap(Dictionary(elements, uniquingKeysWith: { _, last in last }))) }
    public init(nilLiteral: ()) { self = .null }
}
