/// Every other function of Helm's function map (Sprig's and Helm's own) exists, so that a
/// chart using one parses as it does in Helm; until it is implemented, calling it fails the
/// render naming it, rather than rendering something Helm would not.
enum PendingFunctions {
    static let names: [String] = [
        // Sprig: strings, regex, encoding, crypto, random.
        "abbrev", "abbrevboth", "initials", "wrap", "wrapWith", "plural", "swapcase", "shuffle", "untitle", "substr", "camelcase",
        "regexMatch", "mustRegexMatch", "regexFindAll", "mustRegexFindAll", "regexFind", "mustRegexFind", "regexReplaceAll",
        "mustRegexReplaceAll", "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit", "regexQuoteMeta",
        "sha1sum", "sha256sum", "sha512sum", "adler32sum", "b32enc", "b32dec", "htpasswd", "bcrypt", "derivePassword", "genPrivateKey",
        "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
        "encryptAES", "decryptAES", "randBytes", "randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randInt", "uuidv4",
        // Sprig: lists, dicts, math, types, paths, dates, semver, reflection, network.
        "mustFirst", "mustLast", "mustRest", "mustInitial", "mustAppend", "push", "mustPush", "prepend", "mustPrepend", "concat",
        "reverse", "mustReverse", "mustUniq", "without", "mustWithout", "mustHas", "compact", "mustCompact", "slice", "mustSlice", "chunk",
        "mustChunk", "until", "untilStep", "seq", "set", "unset", "pluck", "pick", "omit", "values", "merge", "mustMerge", "mergeOverwrite",
        "mustMergeOverwrite", "deepCopy", "mustDeepCopy", "dig", "split", "toStrings", "toDecimal", "add", "add1", "sub", "mul", "div",
        "mod", "max", "min", "biggest", "ceil", "floor", "round", "addf", "add1f", "subf", "mulf", "divf", "maxf", "minf", "kindOf",
        "kindIs", "typeOf", "typeIs", "typeIsLike", "deepEqual", "base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean",
        "osExt", "osIsAbs", "now", "date", "dateInZone", "date_in_zone", "dateModify", "date_modify", "mustDateModify", "ago", "duration",
        "durationRound", "htmlDate", "htmlDateInZone", "toDate", "mustToDate", "unixEpoch", "semver", "semverCompare", "fail",
        "getHostByName", "urlParse", "urlJoin", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson", "mustToRawJson",
        "fromJson", "mustFromJson", "fromJsonArray", "mustFromJsonArray", "fromYaml", "fromYamlArray", "toToml", "fromToml", "toYamlPretty",
        "mustToYaml", "trimall", "hasKey", "html", "js", "urlquery", "call",
    ]

    static var table: FunctionTable {
        var table: FunctionTable = [:]
        for name in names {
            table[name] = { _, _ in throw FunctionError("the function \(name) is not implemented by bundle's template engine yet; this chart cannot be rendered here yet") }
        }
        return table
    }
}
