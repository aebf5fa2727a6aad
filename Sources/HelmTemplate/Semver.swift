/// Semantic versions and constraints as Sprig's `semver` and `semverCompare` read them (the
/// Masterminds rules charts rely on to switch on `.Capabilities.KubeVersion`): `v` allowed,
/// a missing minor or patch is 0; constraints `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`,
/// wildcards (`1.2.x`, `*`), hyphen ranges (`1.2 - 1.4`), `,` or space for and, `||` for or.
/// A pre-release version satisfies only constraints that name a pre-release themselves
/// (hence `>=1.21-0`).
struct Semver: Comparable {
    var major: Int, minor: Int, patch: Int
    var prerelease: String
    var metadata: String
    var original: String

    init?(_ text: String) {
        var rest = Substring(text.trimmingPrefix("v"))
        original = text
        metadata = ""
        prerelease = ""
        if let plus = rest.firstIndex(of: "+") { metadata = String(rest[rest.index(after: plus)...]); rest = rest[..<plus] }
        if let dash = rest.firstIndex(of: "-") { prerelease = String(rest[rest.index(after: dash)...]); rest = rest[..<dash] }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 18, part.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(part) else { return nil }
            numbers.append(n)
        }
        while numbers.count < 3 { numbers.append(0) }
        (major, minor, patch) = (numbers[0], numbers[1], numbers[2])
        let identifiers = prerelease.split(separator: ".", omittingEmptySubsequences: false)
        if !prerelease.isEmpty, identifiers.contains(where: \.isEmpty) { return nil }
    }

    static func < (a: Semver, b: Semver) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        if a.prerelease == b.prerelease { return false }
        if a.prerelease.isEmpty { return false }
        if b.prerelease.isEmpty { return true }
        let x = a.prerelease.split(separator: "."), y = b.prerelease.split(separator: ".")
        for (p, q) in zip(x, y) where p != q {
            switch (Int(p), Int(q)) {
            case (let m?, let n?): return m < n
            case (nil, _?): return false
            case (_?, nil): return true
            default: return p < q
            }
        }
        return x.count < y.count
    }

    static func == (a: Semver, b: Semver) -> Bool { !(a < b) && !(b < a) }

    /// `semver`'s object (a `*semver.Version`): the fields a template reads.
    var value: Value {
        .map(ValueMap(["Major": .int(major), "Minor": .int(minor), "Patch": .int(patch), "Prerelease": .string(prerelease),
                       "Metadata": .string(metadata), "Original": .string(original)], type: .semver))
    }

    /// How Masterminds' `Version.String` writes `semver`'s object: `1.2.3-pre+meta`, normalised.
    static func text(of version: ValueMap) -> String {
        let part = { (key: String) in version[key].map(SprigStrings.stringify) ?? "" }
        var text = "\(part("Major")).\(part("Minor")).\(part("Patch"))"
        if !part("Prerelease").isEmpty { text += "-" + part("Prerelease") }
        if !part("Metadata").isEmpty { text += "+" + part("Metadata") }
        return text
    }

    /// Whether `version` satisfies `constraint`; nil when the constraint cannot be read.
    static func satisfies(_ version: Semver, _ constraint: String) -> Bool? {
        var any = false
        for alternative in constraint.components(separatedBy: "||") {
            guard let atoms = atoms(alternative), !atoms.isEmpty else { return nil }
            var all = true
            for atom in atoms {
                guard let ok = check(version, atom) else { return nil }
                all = all && ok
            }
            any = any || all
        }
        return any
    }

    /// `1.2 - 1.4` becomes `>=1.2`, `<=1.4`; `>= 1.2` is one atom; `,` and spaces separate.
    static func atoms(_ text: String) -> [String]? {
        var tokens = text.replacingEvery(",", with: " ").split(separator: " ").map(String.init)
        var atoms: [String] = []
        while !tokens.isEmpty {
            var token = tokens.removeFirst()
            if token.allSatisfy({ "=<>!~^".contains($0) }) {
                guard !tokens.isEmpty else { return nil }
                token += tokens.removeFirst()
            }
            if tokens.count >= 2, tokens[0] == "-" {
                atoms += [">=" + token, "<=" + tokens[1]]
                tokens.removeFirst(2)
            } else {
                atoms.append(token)
            }
        }
        return atoms
    }

    static func check(_ version: Semver, _ atom: String) -> Bool? {
        let op = String(atom.prefix { "=<>!~^".contains($0) })
        let text = String(atom.dropFirst(op.count))
        let core = text.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let halves = core.trimmingPrefix("v").split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = (halves.first ?? "").split(separator: ".", omittingEmptySubsequences: false)
        // Masterminds' grammar: 1-3 numbers or wildcards, a pre-release of non-empty identifiers.
        if !text.isEmpty {
            guard (1...3).contains(parts.count),
                  parts.allSatisfy({ ["x", "X", "*"].contains($0) || (!$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber }) }),
                  halves.count == 1 || halves[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({
                      !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } })
            else { return nil }
        }
        let wild = parts.firstIndex { ["x", "X", "*"].contains($0) } ?? (text.isEmpty ? 0 : nil)
        let fixed = wild.map { Array(parts[..<$0]) } ?? parts
        let prerelease = wild == nil && halves.count > 1 ? "-" + halves[1] : ""
        guard let bound = Semver(fixed.isEmpty ? "0" + prerelease : fixed.joined(separator: ".") + prerelease) else { return nil }
        if !version.prerelease.isEmpty && bound.prerelease.isEmpty { return false }
        let given = wild ?? parts.count
        func next(_ level: Int) -> Semver {
            var up = bound
            up.prerelease = ""
            switch level {
            case 0: (up.major, up.minor, up.patch) = (Int.max, 0, 0)
            case 1: (up.major, up.minor, up.patch) = (bound.major + 1, 0, 0)
            case 2: (up.major, up.minor, up.patch) = (bound.major, bound.minor + 1, 0)
            default: (up.major, up.minor, up.patch) = (bound.major, bound.minor, bound.patch + 1)
            }
            return up
        }
        switch op {
        case "", "=": return wild == nil ? version == bound : (version >= bound && version < next(given))
        case "!=": return wild == nil ? version != bound : !(version >= bound && version < next(given))
        case ">": return wild == nil ? version > bound : version >= next(given)
        case "<": return version < bound
        case ">=", "=>": return version >= bound
        case "<=", "=<": return wild == nil ? version <= bound : version < next(given)
        case "~", "~>": return version >= bound && version < next(given <= 1 ? 1 : 2)
        case "^":
            let level = bound.major > 0 || given == 1 ? 1 : (bound.minor > 0 || given == 2 ? 2 : 3)
            return version >= bound && version < next(level)
        default: return nil
        }
    }

    static let table: FunctionTable = [
        "semver": { args, _ in
            let text = try SprigStrings.one(args, "semver")
            guard let version = Semver(text) else { throw FunctionError("Invalid Semantic Version") }
            return version.value
        },
        "semverCompare": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for semverCompare: want 2 got \(args.count)") }
            let constraint = SprigStrings.stringify(args[0])
            guard let version = Semver(SprigStrings.stringify(args[1])) else { throw FunctionError("Invalid Semantic Version") }
            guard let result = satisfies(version, constraint) else { throw FunctionError("improper constraint: \(constraint)") }
            return .bool(result)
        },
    ]
}
