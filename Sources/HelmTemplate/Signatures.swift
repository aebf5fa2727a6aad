/// The Go parameter types of Helm's functions, and Go's rules for passing a template's
/// arguments to them: a `string` parameter takes a string and nothing else (a number from the
/// values is "wrong type for value; expected string; got float64", a literal `1` is "expected
/// string; found 1"), an `int` parameter an integer literal or an int, a `map` parameter a dict
/// (or nil from a pipeline), `interface{}` anything; and the number of arguments. So the engine
/// refuses what Helm refuses, with Go's words.
enum Signatures {
    enum Parameter: Character {
        case string = "S", int = "I", bool = "B", map = "M", float = "F", any = "A", list = "L", certificate = "C", time = "T"

        var goName: String {
            switch self {
            case .string: "string"
            case .int: "int"
            case .bool: "bool"
            case .map: "map[string]interface {}"
            case .float: "float64"
            case .any: "interface {}"
            case .list: "[]interface {}"
            case .certificate: "sprig.certificate"
            case .time: "time.Time"
            }
        }
    }

    /// Where an argument came from: Go treats a literal, a field and a computed value apart.
    enum Source {
        case literal(Argument)
        /// `.A.B`, `$x.A`, `.`: a missing key is a nil `interface {}`.
        case field
        /// A function's or a parenthesised pipeline's result, or the piped value.
        case computed
    }

    struct Signature {
        var fixed: [Parameter]
        var variadic: Parameter?
    }

    /// `name:FIXED` or `name:FIXED*VARIADIC`, letters as in `Parameter`.
    static let table: [String: Signature] = {
        let spec = """
            upper:S lower:S title:S untitle:S trim:S nospace:S b64enc:S b64dec:S snakecase:S kebabcase:S camelcase:S swapcase:S \
            initials:S sha256sum:S sha1sum:S sha512sum:S adler32sum:S b32enc:S b32dec:S base:S dir:S ext:S clean:S isAbs:S \
            fromJson:S fromYaml:S fromYamlArray:S fromJsonArray:S mustFromJson:S semver:S atoi:S getHostByName:S \
            fail:S trimAll:SS trimall:SS trimSuffix:SS trimPrefix:SS contains:SS hasPrefix:SS hasSuffix:SS split:SS splitn:SIS splitList:SS \
            semverCompare:SS kindIs:SA typeIs:SA typeIsLike:SA replace:SSS repeat:IS trunc:IS indent:IS nindent:IS \
            plural:SSI chunk:IA mustChunk:IA until:I untilStep:III seq:*I randAlphaNum:I randAlpha:I randNumeric:I randAscii:I \
            randInt:II round:AI*F join:SA include:SA tpl:SA required:SA lookup:SSSS printf:S*A ternary:AAB get:MS hasKey:MS keys:*M \
            set:MSA unset:MS merge:M*M mustMerge:M*M mergeOverwrite:M*M mustMergeOverwrite:M*M pick:M*S omit:M*S pluck:S*M values:M dig:*A quote:*A squote:*A cat:*A all:*A any:*A hello: toString:A default:A*A empty:A coalesce:*A \
            list:*A tuple:*A dict:*A first:A last:A rest:A initial:A uniq:A compact:A reverse:A mustFirst:A mustLast:A mustRest:A \
            mustInitial:A mustUniq:A mustCompact:A mustReverse:A without:A*A mustWithout:A*A has:AA mustHas:AA append:AA \
            mustAppend:AA push:AA mustPush:AA prepend:AA mustPrepend:AA concat:*A slice:A*A mustSlice:A*A sortAlpha:A int:A \
            int64:A float64:A toStrings:A add:*A add1:A sub:AA mul:A*A div:AA mod:AA max:A*A min:A*A biggest:A*A addf:*A add1f:A \
            subf:A*A mulf:A*A divf:A*A maxf:A*A minf:A*A floor:A ceil:A kindOf:A typeOf:A deepEqual:AA deepCopy:A mustDeepCopy:A \
            now: date:SA dateInZone:SAS date_in_zone:SAS htmlDate:A htmlDateInZone:AS unixEpoch:T dateModify:ST date_modify:ST \
            mustDateModify:ST must_date_modify:ST ago:A duration:A substr:IIS swapcase:S initials:S abbrev:IS abbrevboth:IIS fromToml:S toToml:A mustToToml:A toYamlPretty:A urlParse:S urlJoin:M toDate:SS mustToDate:SS durationRound:A bcrypt:S htpasswd:SS derivePassword:ISSSS encryptAES:SS decryptAES:SS wrap:IS wrapWith:ISS js:*A toDecimal:A osBase:S osDir:S osClean:S osExt:S osIsAbs:S html:*A urlquery:*A \
            randBytes:I shuffle:S genCA:SI genCAWithKey:SIS genSelfSignedCert:SLLI genSelfSignedCertWithKey:SLLIS genSignedCert:SLLIC \
            genSignedCertWithKey:SLLICS genPrivateKey:S buildCustomCert:SS regexMatch:SS mustRegexMatch:SS regexFind:SS mustRegexFind:SS regexFindAll:SSI mustRegexFindAll:SSI \
            regexReplaceAll:SSS mustRegexReplaceAll:SSS regexReplaceAllLiteral:SSS mustRegexReplaceAllLiteral:SSS regexSplit:SSI \
            mustRegexSplit:SSI regexQuoteMeta:S toJson:A mustToJson:A toPrettyJson:A mustToPrettyJson:A toRawJson:A mustToRawJson:A toYaml:A mustToYaml:A uuidv4:
            """
        var table: [String: Signature] = [:]
        for entry in spec.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let types = parts.count > 1 ? parts[1] : ""
            let halves = types.split(separator: "*", maxSplits: 1, omittingEmptySubsequences: false)
            table[String(parts[0])] = Signature(fixed: halves[0].compactMap(Parameter.init(rawValue:)),
                                                variadic: halves.count > 1 ? halves[1].first.flatMap(Parameter.init(rawValue:)) : nil)
        }
        return table
    }()

    /// `values` as `name`'s Go parameters receive them (a nil given for a dict is a nil map,
    /// `map[]` to print, `null` to marshal); throws Go's error when they cannot be passed.
    static func check(_ name: String, values: [Value], sources: [Source]) throws(FunctionError) -> [Value] {
        guard let signature = table[name] else { return values }
        let fixed = signature.fixed.count
        if signature.variadic == nil, values.count != fixed {
            throw FunctionError("wrong number of args for \(name): want \(fixed) got \(values.count)")
        }
        if values.count < fixed { throw FunctionError("wrong number of args for \(name): want at least \(fixed) got \(values.count)") }
        var received = values
        for (index, value) in values.enumerated() {
            let parameter = index < fixed ? signature.fixed[index] : (signature.variadic ?? .any)
            try pass(value, from: index < sources.count ? sources[index] : .computed, to: parameter)
            guard parameter == .map else { continue }
            // Go converts the argument to the parameter's type: a nil is a nil map, Helm's
            // values a plain map (the same one).
            if Comparison.isNil(value) { received[index] = .map(.nilMap(.interfaceMap)) }
            if case .map(let map) = value, map.type == .values { received[index] = .map(map.typed(.interfaceMap)) }
        }
        return received
    }

    static func pass(_ value: Value, from source: Source, to parameter: Parameter) throws(FunctionError) {
        guard parameter != .any else { return }
        if case .literal(let literal) = source {
            switch (parameter, literal) {
            case (.string, .string), (.int, .int), (.bool, .bool), (.float, .int), (.float, .float), (.map, .null): return
            case (.list, .null): return
            case (.map, _), (.list, _), (.certificate, _), (.time, _): throw FunctionError("can't handle \(describe(literal)) for arg of type \(parameter.goName)")
            case (_, .null): throw FunctionError("cannot assign nil to \(parameter.goName)")
            case (.int, _): throw FunctionError("expected integer; found \(describe(literal))")
            default: throw FunctionError("expected \(parameter == .float ? "float" : parameter.goName); found \(describe(literal))")
            }
        }
        switch (parameter, value) {
        case (.map, .map(let map)) where map.type.isAssignableToInterfaceMap: return
        case (.list, .list(let list)) where list.type == .interfaceList: return
        case (.certificate, .map(let map)) where map.type == .certificate: return
        case (.time, .time): return
        case (.string, .string), (.int, .int), (.bool, .bool), (.float, .float): return
        case (.map, .missing), (.map, .null), (.list, .missing), (.list, .null):
            if case .computed = source { return }
            throw FunctionError("wrong type for value; expected \(parameter.goName); got interface {}")
        case (_, .missing), (_, .null):
            if case .computed = source { throw FunctionError("invalid value; expected \(parameter.goName)") }
            throw FunctionError("wrong type for value; expected \(parameter.goName); got interface {}")
        default:
            throw FunctionError("wrong type for value; expected \(parameter.goName); got \(value.typeName)")
        }
    }

    static func describe(_ literal: Argument) -> String {
        switch literal {
        case .string(let text): "\"\(text)\""
        case .int(let number): String(number)
        case .float(let number): GoFloat.format(number)
        case .bool(let flag): String(flag)
        case .null: "nil"
        default: "\(literal)"
        }
    }
}
