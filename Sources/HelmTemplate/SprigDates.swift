import Foundation

/// Sprig's dates: `now`, `toDate` and `mustToDate` (text read by a layout, `GoTimeParser`) and
/// `dateModify` make a `time.Time`; `date` and `htmlDate` write one with Go's layouts
/// (`2006-01-02T15:04:05Z07:00`) in the machine's zone, UTC, as Helm on a machine in UTC does;
/// `dateInZone` for UTC, `unixEpoch`, `ago`, `duration` and `durationRound`. A time argument
/// is a time or a number of seconds since 1970 (Sprig takes both). Named zones other than UTC
/// are not implemented yet.
enum SprigDates {
    static let table: FunctionTable = [
        "now": { _, _ in
            let start = started, now = Date()
            return .time(GoTimeValue(GoInstant(now), monotonic: max(0, now.timeIntervalSince(start))))
        },
        "date": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for date: want 2 got \(args.count)") }
            return .string(GoTime.format(try time(args[1]), layout: SprigStrings.stringify(args[0])))
        },
        "dateInZone": { args, _ in try inZone(args, "dateInZone") },
        "date_in_zone": { args, _ in try inZone(args, "date_in_zone") },
        "htmlDate": { args, _ in .string(GoTime.format(try time(try SprigStrings.single(args, "htmlDate")), layout: "2006-01-02")) },
        "htmlDateInZone": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for htmlDateInZone: want 2 got \(args.count)") }
            return try inZone([.string("2006-01-02"), args[0], args[1]], "htmlDateInZone")
        },
        "unixEpoch": { args, _ in .string(String(try time(try SprigStrings.single(args, "unixEpoch")).seconds)) },
        "dateModify": { args, _ in try modify(args, strict: false) },
        "date_modify": { args, _ in try modify(args, strict: false) },
        "mustDateModify": { args, _ in try modify(args, strict: true) },
        "must_date_modify": { args, _ in try modify(args, strict: true) },
        "ago": { args, _ in .string(GoTime.duration((GoInstant.now.interval - (try time(try SprigStrings.single(args, "ago"))).interval).rounded())) },
        "toDate": { args, _ in try parsedTime(args, strict: false) },
        "mustToDate": { args, _ in try parsedTime(args, strict: true) },
        "durationRound": { args, _ in .string(roundedDuration(args[0])) },
        "duration": { args, _ in
            // Sprig reads text and int64s as whole seconds; an int literal or a float64 from the
            // values is 0s in Helm.
            let seconds: Int? = switch try SprigStrings.single(args, "duration") {
            case .string(let text): Int(text)
            case .int64(let number): number
            default: 0
            }
            return .string(GoTime.duration(Double(seconds ?? 0)))
        },
    ]

    /// `toDate LAYOUT TEXT` (Go's zero time for text it cannot read) and `mustToDate` (an
    /// error instead); a zone the engine cannot print is unsupported either way.
    static func parsedTime(_ args: [Value], strict: Bool) throws -> Value {
        do throws(GoTimeParser.Failure) {
            return .time(try GoTimeParser.parse(SprigStrings.stringify(args[1]), layout: SprigStrings.stringify(args[0])))
        } catch {
            if strict || error.isUnsupported { throw FunctionError(error.message, isUnsupported: error.isUnsupported) }
            return .time(.zero)
        }
    }

    /// Sprig's durationRound: the largest whole unit (y of 365 days, mo of 30, d, h, m, s) a
    /// duration exceeds; text is Go's duration syntax, an int64 nanoseconds, a time the time
    /// since it, anything else (Go's int and float64) 0s.
    static func roundedDuration(_ value: Value) -> String {
        var seconds: Double
        switch value {
        case .string(let text): seconds = abs(GoTime.parseDuration(text) ?? 0)
        case .int64(let nanoseconds): seconds = abs(Double(nanoseconds) / 1e9)
        case .time(let time): seconds = abs(GoInstant.now.interval - time.instant.interval)
        default: seconds = 0
        }
        // Go's durations end at about 292 years: longer text does not parse, which is 0s.
        if !(seconds < 9.223372036854775807e9) { seconds = 0 }
        let units: [(String, Double)] = [("y", 365 * 86400), ("mo", 30 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        for (name, size) in units where seconds > size { return String(Int((seconds / size).rounded(.down))) + name }
        return "0s"
    }

    /// A time argument: a time (what `now` and `toDate` give), or an integer of seconds since
    /// 1970; anything else (a float64 from the values, a string) is now, as Sprig's.
    static func time(_ value: Value) throws -> GoInstant {
        switch value {
        case .int(let seconds), .int64(let seconds): return GoInstant(seconds: seconds)
        case .time(let time): return time.instant
        default: return .now
        }
    }

    /// When the engine started: `now`'s monotonic reading counts from it, as Go's from the
    /// process's start.
    static let started = Date()

    static func inZone(_ args: [Value], _ name: String) throws -> Value {
        guard args.count == 3 else { throw FunctionError("wrong number of args for \(name): want 3 got \(args.count)") }
        let zone = SprigStrings.stringify(args[2])
        guard zone == "UTC" || zone == "" || zone == "Etc/UTC" else {
            throw FunctionError("the time zone \(zone) is not implemented by bundle's template engine yet (UTC is)", isUnsupported: true)
        }
        return .string(GoTime.format(try time(args[1]), layout: SprigStrings.stringify(args[0])))
    }

    /// `dateModify "-1.5h" TIME`: Go's duration syntax added to the time. A duration Go cannot
    /// read (or beyond its 292 years) leaves the time as it is, and is an error to the `must` form.
    static func modify(_ args: [Value], strict: Bool) throws -> Value {
        guard args.count == 2 else { throw FunctionError("wrong number of args for dateModify: want 2 got \(args.count)") }
        guard case .time(let base) = args[1] else { throw FunctionError("wrong type for value; expected time.Time; got \(args[1].typeName)") }
        guard let seconds = GoTime.parseDuration(SprigStrings.stringify(args[0])), abs(seconds) < 9.223372036854775807e9 else {
            if strict { throw FunctionError("time: invalid duration \"\(SprigStrings.stringify(args[0]))\"") }
            return args[1]
        }
        // Go's Add moves the monotonic reading with the wall clock.
        return .time(GoTimeValue(base.instant.adding(seconds), zone: base.zone, monotonic: base.monotonic.map { $0 + seconds }))
    }
}
