/// Go's `time.Parse` for Sprig's `toDate`: text read by a layout written as the reference
/// time (`2006-01-02`, `Jan 2, 2006 at 3:04pm (MST)`), in UTC (the engine's zone), with Go's
/// errors (`parsing time "x" as "2006": cannot parse "x" as "2006"`, `: month out of range`).
/// A zone name Go does not know here is a zone of offset zero with that name, as in Go; an
/// offset is a fixed zone of that offset (named by the text's zone name, if it has one), as Go
/// makes one on a machine in UTC.
struct GoTimeParser {
    struct Failure: Error {
        var message: String
        var isUnsupported = false
    }


    let layout: String, text: String
    private var value: Substring
    private var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0
    private var pm: Bool?
    private var zone = "UTC"
    private var offset: Int?

    init(layout: String, text: String) {
        self.layout = layout
        self.text = text
        self.value = Substring(text)
    }

    /// The time the text names.
    static func parse(_ text: String, layout: String) throws(Failure) -> GoTimeValue {
        var parser = GoTimeParser(layout: layout, text: text)
        return try parser.run()
    }

    private mutating func run() throws(Failure) -> GoTimeValue {
        var rest = Substring(layout)
        while true {
            let (prefix, token, after) = Self.nextToken(rest)
            guard skip(prefix) else { throw cannotParse(String(value), as: String(prefix)) }
            guard let token else {
                if !value.isEmpty { throw Failure(message: "parsing time \(GoFormat.quote(text)): extra text: \(GoFormat.quote(String(value)))") }
                break
            }
            rest = after
            if let range = try read(token, next: Self.nextToken(after).token) {
                throw Failure(message: "parsing time \(GoFormat.quote(text)): \(range) out of range")
            }
        }
        if pm == true, hour < 12 { hour += 12 } else if pm == false, hour == 12 { hour = 0 }
        guard (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw Failure(message: "parsing time \(GoFormat.quote(text)): day out of range")
        }
        let wall = GoCivil.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let offset, offset != 0 else { return GoTimeValue(GoInstant(seconds: wall, nanos: nanos), zone: GoZone(offset: 0, name: zone)) }
        // A fixed zone of the offset, named by the text's zone name where it gave one.
        return GoTimeValue(GoInstant(seconds: wall - offset, nanos: nanos), zone: GoZone(offset: offset, name: zone == "UTC" ? "" : zone))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    /// Reads one layout token from the value; the name of a field out of its range, if one is.
    private mutating func read(_ token: String, next: String?) throws(Failure) -> String? {
        let bad = cannotParse(String(value), as: token)
        switch token {
        case "2006":
            guard value.count >= 4, let number = Int(value.prefix(4)), value.prefix(4).allSatisfy(\.isASCII) else { throw bad }
            year = number; value = value.dropFirst(4)
        case "06":
            guard let number = fixedDigits(2) else { throw bad }
            year = number >= 69 ? 1900 + number : 2000 + number
        case "Jan", "January":
            guard let index = Self.lookup(token == "Jan" ? Self.months.map { String($0.prefix(3)) } : Self.months, in: &value) else { throw bad }
            month = index + 1
        case "Mon", "Monday":
            guard Self.lookup(token == "Mon" ? Self.days.map { String($0.prefix(3)) } : Self.days, in: &value) != nil else { throw bad }
        case "01", "1":
            guard let number = digits(fixed: token == "01") else { throw bad }
            month = number
            if month < 1 || month > 12 { return "month" }
        case "02", "2", "_2":
            if token == "_2", value.first == " " { value = value.dropFirst() }
            guard let number = digits(fixed: token == "02") else { throw bad }
            day = number
        case "15":
            guard let number = digits(fixed: false) else { throw bad }
            hour = number
            if hour >= 24 { return "hour" }
        case "03", "3":
            guard let number = digits(fixed: token == "03") else { throw bad }
            hour = number
            if hour > 12 { return "hour" }
        case "04", "4":
            guard let number = digits(fixed: token == "04") else { throw bad }
            minute = number
            if minute >= 60 { return "minute" }
        case "05", "5":
            guard let number = digits(fixed: token == "05") else { throw bad }
            second = number
            if second >= 60 { return "second" }
            // A fraction the layout does not ask for is read all the same.
            if next.flatMap({ GoTime.fractionToken(Substring($0)) }) == nil { readFraction(optional: true) }
        case "PM", "pm":
            let word = value.prefix(2)
            guard word.count == 2, let isPM = token == "PM" ? ["PM": true, "AM": false][String(word)] : ["pm": true, "am": false][String(word)] else { throw bad }
            pm = isPM; value = value.dropFirst(2)
        default:
            try readZoneOrFraction(token, bad: bad)
        }
        return nil
    }

    private mutating func readZoneOrFraction(_ token: String, bad: Failure) throws(Failure) {
        if token.hasPrefix("Z"), value.first == "Z" { value = value.dropFirst(); return }
        if token == "MST" {
            // Go makes a zone of offset zero for a name this machine (UTC) does not know.
            let name = value.hasPrefix("UTC") ? "UTC" : String(value.prefix { $0.isASCII && $0.isUppercase })
            guard (3...5).contains(name.count) else { throw bad }
            if name.hasPrefix("GMT"), let sign = value.dropFirst(3).first, sign == "+" || sign == "-" {
                throw Failure(message: "the time zone \(name)\(sign)… is not implemented by bundle's template engine yet (UTC is)", isUnsupported: true)
            }
            zone = name
            value = value.dropFirst(name.count)
            return
        }
        if token.hasPrefix("-") || token.hasPrefix("Z") {
            let shape = token.dropFirst()  // "07:00", "0700", "07", ...
            guard let sign = value.first, sign == "+" || sign == "-", value.count > shape.count else { throw bad }
            let field = value.dropFirst().prefix(shape.count)
            guard zip(field, shape).allSatisfy({ $1 == ":" ? $0 == ":" : $0.isASCII && $0.isNumber }) else { throw bad }
            value = value.dropFirst(1 + shape.count)
            // Go checks the fields' ranges first (hours to 24, minutes and seconds to 60), the
            // last field out of range named.
            let digits = Array(field.filter { $0 != ":" })
            let numbers = stride(from: 0, to: digits.count, by: 2).compactMap { Int(String(digits[$0..<min($0 + 2, digits.count)])) }
            let names = ["hour", "minute", "second"], limits = [24, 60, 60]
            if let bad = numbers.indices.last(where: { numbers[$0] > limits[min($0, 2)] }) {
                throw Failure(message: "parsing time \(GoFormat.quote(text)): time zone offset \(names[min(bad, 2)]) out of range")
            }
            offset = (sign == "-" ? -1 : 1) * zip(numbers, [3600, 60, 1]).map { $0 * $1 }.reduce(0, +)
            return
        }
        if let fraction = GoTime.fractionToken(Substring(token)) {
            if fraction.trims { readFraction(optional: true); return }
            guard value.count > fraction.width, value.first == "." || value.first == ",",
                  value.dropFirst().prefix(fraction.width).allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad }
            readFraction(optional: false)
            return
        }
        throw bad
    }

    /// `.5`, `,123456789` after the seconds: Go's nanoseconds.
    private mutating func readFraction(optional: Bool) {
        guard let mark = value.first, mark == "." || mark == ",", let digit = value.dropFirst().first, digit.isASCII, digit.isNumber else { return }
        let digits = value.dropFirst().prefix { $0.isASCII && $0.isNumber }
        value = value.dropFirst(1 + digits.count)
        nanos = Int((String(digits.prefix(9)) + String(repeating: "0", count: max(0, 9 - digits.count))).prefix(9)) ?? 0
    }

    /// Go's getnum: one or two digits (exactly two when `fixed`).
    private mutating func digits(fixed: Bool) -> Int? {
        guard let first = value.first, first.isASCII, let high = first.wholeNumberValue else { return nil }
        guard let second = value.dropFirst().first, second.isASCII, let low = second.wholeNumberValue else {
            if fixed { return nil }
            value = value.dropFirst()
            return high
        }
        value = value.dropFirst(2)
        return high * 10 + low
    }

    private mutating func fixedDigits(_ count: Int) -> Int? {
        let field = value.prefix(count)
        guard field.count == count, field.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(field) else { return nil }
        value = value.dropFirst(count)
        return number
    }

    /// Go's skip: the layout's literal text, a run of spaces matching any run of spaces.
    private mutating func skip(_ prefix: Substring) -> Bool {
        var prefix = prefix
        while let expected = prefix.first {
            if expected == " " {
                if let first = value.first, first != " " { return false }
                prefix = prefix.drop { $0 == " " }
                value = value.drop { $0 == " " }
                continue
            }
            guard value.first == expected else { return false }
            prefix = prefix.dropFirst()
            value = value.dropFirst()
        }
        return true
    }

    private func cannotParse(_ element: String, as layoutElement: String) -> Failure {
        Failure(message: "parsing time \(GoFormat.quote(text)) as \(GoFormat.quote(layout)): cannot parse \(GoFormat.quote(element)) as \(GoFormat.quote(layoutElement))")
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// The name at the start of `value` (any case), consumed; its index.
    static func lookup(_ names: [String], in value: inout Substring) -> Int? {
        for (index, name) in names.enumerated() where value.prefix(name.count).lowercased() == name.lowercased() {
            value = value.dropFirst(name.count)
            return index
        }
        return nil
    }

    /// The literal text before the layout's next token, the token, and what follows it.
    static func nextToken(_ layout: Substring) -> (prefix: Substring, token: String?, rest: Substring) {
        var index = layout.startIndex
        while index < layout.endIndex {
            let rest = layout[index...]
            if let fraction = GoTime.fractionToken(rest) {
                let end = layout.index(index, offsetBy: fraction.width + 1)
                return (layout[..<index], String(layout[index..<end]), layout[end...])
            }
            if let token = GoTime.tokens.first(where: { rest.hasPrefix($0) }) {
                let end = layout.index(index, offsetBy: token.count)
                return (layout[..<index], token, layout[end...])
            }
            index = layout.index(after: index)
        }
        return (layout, nil, layout[layout.endIndex...])
    }
}
