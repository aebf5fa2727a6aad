/// The Go type of a list or a map, where Go tells it from what values decode to
/// (`[]interface {}`, `map[string]interface {}`): `splitList` makes a `[]string`, `until` an
/// `[]int`, `split` a `map[string]string`, and Helm's objects and Sprig's results are structs
/// (`.Capabilities`, `semver`, `genCA`). `typeOf`, `kindOf`, `deepEqual` and Go's argument
/// checks see it; how the value prints and marshals follows from it.
public enum GoType: String, Sendable, Hashable {
    case interfaceList = "[]interface {}"
    case stringList = "[]string"
    case intList = "[]int"
    /// What `chunk` makes.
    case listOfLists = "[][]interface {}"
    /// `.Capabilities.APIVersions`, with its method `Has`.
    case versionSet = "common.VersionSet"
    case interfaceMap = "map[string]interface {}"
    case stringMap = "map[string]string"
    /// `.`, `.Values`, `.Template`: a named `map[string]interface {}` (assignable to one).
    case values = "common.Values"
    /// `.Files` and what its `Glob` gives, with `Get`, `Lines`, `AsConfig`, ….
    case files = "engine.files"
    case capabilities = "*common.Capabilities"
    case kubeVersion = "common.KubeVersion"
    case buildInfo = "version.BuildInfo"
    case semver = "*semver.Version"
    case certificate = "sprig.certificate"

    /// Go's `reflect.Kind` of the type, as `kindOf` says it.
    public var kind: String {
        switch self {
        case .interfaceList, .stringList, .intList, .listOfLists, .versionSet: "slice"
        case .interfaceMap, .stringMap, .values, .files: "map"
        case .capabilities, .semver: "ptr"
        case .kubeVersion, .buildInfo, .certificate: "struct"
        }
    }

    /// A struct or a pointer to one: fields, no keys (`len`, `index` and `range` refuse it).
    var isStruct: Bool { kind == "struct" || kind == "ptr" }

    /// Whether a Go parameter of type `map[string]interface {}` takes a value of this type.
    var isAssignableToInterfaceMap: Bool { self == .interfaceMap || self == .values }

    /// A struct's fields in declaration order, as `%v` prints them (`{v1.36.0 v1.36.0 1 36}`).
    var fields: [String]? {
        switch self {
        case .capabilities: ["KubeVersion", "APIVersions", "HelmVersion"]
        case .kubeVersion: ["Version", "GitVersion", "Major", "Minor"]
        case .buildInfo: ["Version", "GitCommit", "GitTreeState", "GoVersion", "KubeClientVersion"]
        case .certificate: ["Cert", "Key"]
        default: nil
        }
    }

    /// A struct's fields as `encoding/json` writes them, in declaration order: the JSON name and
    /// whether an empty value is left out (`omitempty`).
    var jsonFields: [(field: String, name: String, omitEmpty: Bool)]? {
        switch self {
        case .capabilities: [("KubeVersion", "KubeVersion", false), ("APIVersions", "APIVersions", false), ("HelmVersion", "HelmVersion", false)]
        case .kubeVersion: [("Version", "Version", false), ("Major", "Major", false), ("Minor", "Minor", false)]
        case .buildInfo: [("Version", "version", true), ("GitCommit", "git_commit", true), ("GitTreeState", "git_tree_state", true),
                          ("GoVersion", "go_version", true), ("KubeClientVersion", "kube_client_version", true)]
        case .certificate: [("Cert", "Cert", false), ("Key", "Key", false)]
        default: nil
        }
    }
}

/// A template's list: its items and its Go type (`[]interface {}` unless a function made it
/// otherwise). A collection of its items, so code reads it as it reads an array.
public struct ValueList: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public var items: [Value]
    public var type: GoType
    /// Go's nil slice: empty, but `null` to `toJson` and `toYaml` (`regexFindAll` without a
    /// match, `rest` of an empty list).
    public var isNil = false

    public init(_ items: [Value] = [], type: GoType = .interfaceList) {
        self.items = items
        self.type = type
    }

    public init(arrayLiteral elements: Value...) { self.init(elements) }

    /// `items`, or a nil slice of `type` when there are none (what Go's `append` onto nothing,
    /// `FindAllString` without a match and a slice of nothing give).
    static func orNil(_ items: [Value], type: GoType = .interfaceList) -> ValueList {
        var list = ValueList(items, type: type)
        list.isNil = items.isEmpty
        return list
    }

    public var startIndex: Int { items.startIndex }
    public var endIndex: Int { items.endIndex }
    public subscript(position: Int) -> Value { items[position] }
}

extension Value {
    /// A `[]interface {}` of `items`.
    static func list(of items: [Value]) -> Value { .list(ValueList(items)) }

    /// A `[]string` of `texts`.
    static func strings<S: Sequence<String>>(_ texts: S) -> Value { .list(ValueList(texts.map { .string($0) }, type: .stringList)) }

    /// The text of a value Go formats through its `String` method (a time, a version); nil for
    /// any other.
    var stringerText: String? {
        switch self {
        case .time(let time): time.printed
        case .map(let map) where map.type == .semver: Semver.text(of: map)
        default: nil
        }
    }

    /// A struct's fields as `encoding/json` writes them: JSON names in declaration order, empty
    /// `omitempty` ones left out; nil for a value that is no struct.
    var jsonFields: [(name: String, value: Value)]? {
        guard case .map(let map) = self, let fields = map.type.jsonFields else { return nil }
        return fields.compactMap { field, name, omitEmpty in
            let value = map[field] ?? .null
            return omitEmpty && !value.isTruthy ? nil : (name, value)
        }
    }

    /// What `encoding/json` writes for a struct or a semantic version: a version as its text, a
    /// struct as a map of its JSON fields (`JSONText` keeps their declaration order); nil for any
    /// other value, which marshals as it is.
    var marshalled: Value? {
        if case .map(let map) = self, map.type == .semver { return .string(Semver.text(of: map)) }
        return jsonFields.map { .map(ValueMap(Dictionary($0, uniquingKeysWith: { _, last in last }))) }
    }
}
