import Foundation

/// Go's time formatting, in UTC or a fixed zone: layouts written as the reference time `Mon Jan 2 15:04:05 MST
/// 2006` (`2006-01-02T15:04:05Z07:00`), `Time.String()`'s printed form, and durations as
/// `Duration.String()` prints and `ParseDuration` reads them.
enum GoTime {
    /// `2006-01-02 15:04:05.999999999 +0000 UTC`, in `zone`.
    static func printed(_ instant: GoInstant, zone: GoZone = .utc) -> String { format(instant, layout: "2006-01-02 15:04:05.999999999 -0700 MST", zone: zone) }

    /// The layout's tokens, longest first where one is a prefix of another, as Go reads them.
    static let tokens = ["January", "Monday", "2006", "-07:00:00", "-070000", "Z07:00:00", "Z070000", "-07:00", "-0700", "Z07:00", "Z0700",
                         "Jan", "Mon", "MST", "002", "__2", "_2", "-07", "Z07", "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5"]

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// `instant` written by `layout`, its wall clock and zone fields those of `zone`.
    static func format(_ instant: GoInstant, layout: String, zone: GoZone = .utc) -> String {
        let civil = GoCivil(instant, offset: zone.offset)
        let (year, month, day) = (civil.year, civil.month, civil.day)
        let (hour, minute, second, nanos) = (civil.hour, civil.minute, civil.second, civil.nanos)
        let (months, weekday) = (Self.months, Self.weekdays[civil.weekday])
        func pad(_ n: Int, _ width: Int) -> String { String(n).leftPadded(width) }
        var out = "", rest = Substring(layout)
        while !rest.isEmpty {
            if let fraction = fractionToken(rest) {
                let digits = pad(nanos, 9)
                if fraction.trims {
                    var kept = String(digits.prefix(fraction.width))
                    while kept.hasSuffix("0") { kept.removeLast() }
                    out += kept.isEmpty ? "" : String(fraction.separator) + kept
                } else {
                    out += String(fraction.separator) + digits.prefix(fraction.width)
                }
                rest = rest.dropFirst(fraction.width + 1)
                continue
            }
            guard let token = tokens.first(where: { rest.hasPrefix($0) }) else {
                out.append(rest.removeFirst())
                continue
            }
            rest = rest.dropFirst(token.count)
            switch token {
            case "January": out += months[month - 1]
            case "Jan": out += months[month - 1].prefix(3)
            case "Monday": out += weekday
            case "Mon": out += weekday.prefix(3)
            case "2006": out += year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
            case "06": out += pad(year % 100, 2)
            case "01": out += pad(month, 2)
            case "1": out += String(month)
            case "02": out += pad(day, 2)
            case "2": out += String(day)
            case "_2": out += (day < 10 ? " " : "") + String(day)
            case "002": out += pad(civil.yearDay, 3)
            case "__2":
                let yearDay = String(civil.yearDay)
                out += String(repeating: " ", count: 3 - yearDay.count) + yearDay
            case "15": out += pad(hour, 2)
            case "03": out += pad(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "3": out += String(hour % 12 == 0 ? 12 : hour % 12)
            case "04": out += pad(minute, 2)
            case "4": out += String(minute)
            case "05": out += pad(second, 2)
            case "5": out += String(second)
            case "PM": out += hour >= 12 ? "PM" : "AM"
            case "pm": out += hour >= 12 ? "pm" : "am"
            case "MST": out += zone.name.isEmpty ? zone.offsetText("-0700") : zone.name
            default:
                // -07:00, Z0700, …: the offset; the Z forms print Z for an offset of zero.
                out += token.hasPrefix("Z") && zone.offset == 0 ? "Z" : zone.offsetText(String(token.drop { $0 == "Z" || $0 == "-" }))
            }
        }
        return out
    }

    /// `.000`/`,000` (fixed digits) or `.999` (trailing zeros trimmed) after a seconds field.
    static func fractionToken(_ text: Substring) -> (separator: Character, width: Int, trims: Bool)? {
        guard let separator = text.first, separator == "." || separator == "," else { return nil }
        let digits = text.dropFirst().prefix { $0 == "0" || $0 == "9" }
        guard let digit = digits.first, digits.allSatisfy({ $0 == digit }) else { return nil }
        let after = text.dropFirst(1 + digits.count).first
        guard after.map({ !$0.isNumber }) ?? true else { return nil }
        return (separator, digits.count, digit == "9")
    }

    /// Go's `Duration.String()` of whole seconds and beyond: `1h2m3s`, `0s`, `-1m30s`.
    static func duration(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        let sign = seconds < 0 ? "-" : "", total = abs(seconds)
        guard total >= 1 else {
            let millis = total * 1000
            return sign + (millis >= 1 ? GoFloat.format((millis * 1e6).rounded() / 1e6) + "ms" : GoFloat.format((total * 1e6).rounded()) + "µs")
        }
        let hours = Int(total / 3600), minutes = Int(total.truncatingRemainder(dividingBy: 3600) / 60)
        let rest = total.truncatingRemainder(dividingBy: 60)
        let secondsText = GoFloat.format((rest * 1e9).rounded() / 1e9) + "s"
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(secondsText)" }
        if minutes > 0 { return "\(sign)\(minutes)m\(secondsText)" }
        return sign + secondsText
    }

    /// Go's `ParseDuration`: `1h30m`, `-1.5h`, `300ms`, `2h45m10.5s`; nil for anything else.
    static func parseDuration(_ text: String) -> Double? {
        var rest = Substring(text), sign = 1.0
        if rest.first == "-" || rest.first == "+" { sign = rest.first == "-" ? -1 : 1; rest = rest.dropFirst() }
        if rest == "0" { return 0 }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return sign * total
    }
}

/// A Go `time.Time` as a template holds it: the instant (exact to the nanosecond), its zone,
/// and for `now` and times made from it the monotonic clock reading Go prints after it
/// (`m=+0.050158261`, seconds since the engine started).
public struct GoTimeValue: Sendable, Equatable {
    var instant: GoInstant
    var zone: GoZone
    var monotonic: Double?

    init(_ instant: GoInstant, zone: GoZone = .utc, monotonic: Double? = nil) {
        self.instant = instant
        self.zone = zone
        self.monotonic = monotonic
    }

    /// Go's zero time, what `toDate` gives for text it cannot read: year 1, UTC.
    static let zero = GoTimeValue(GoInstant(seconds: -62_135_596_800))

    /// `Time.String()`: what `{{ now }}`, `print` and `toString` write.
    var printed: String {
        GoTime.printed(instant, zone: zone) + (monotonic.map { " m=" + String(format: "%+.9f", $0) } ?? "")
    }

    /// `time.RFC3339Nano`, as `encoding/json` writes a time (`2020-01-02T03:04:05.5Z`).
    var rfc3339: String { GoTime.format(instant, layout: "2006-01-02T15:04:05.999999999Z07:00", zone: zone) }
}

/// A time's zone as Go keeps it: the offset east of UTC and the name Go prints (empty for a
/// fixed offset Go made up while parsing, which prints as the offset).
struct GoZone: Sendable, Equatable {
    var offset: Int
    var name: String

    static let utc = GoZone(offset: 0, name: "UTC")

    /// The offset in a layout's shape without its sign: `07:00`, `0700`, `07`, `07:00:00`, `070000`.
    func offsetText(_ shape: String) -> String {
        let magnitude = abs(offset)
        let fields = [magnitude / 3600, magnitude / 60 % 60, magnitude % 60].map { String($0).leftPadded(2) }
        let colon = shape.contains(":")
        let count = shape.filter(\.isNumber).count / 2
        return (offset < 0 ? "-" : "+") + fields.prefix(max(count, 1)).joined(separator: colon ? ":" : "")
    }
}
