import Foundation

/// An instant as Go keeps one: whole seconds since 1970 and nanoseconds (exact, unlike a
/// `Date`'s double), so Go's zero time (year 1) and a parsed `.123456789` print as in Go.
struct GoInstant: Sendable, Equatable {
    var seconds: Int
    var nanos: Int

    init(seconds: Int, nanos: Int = 0) {
        self.seconds = seconds + nanos / 1_000_000_000
        self.nanos = nanos % 1_000_000_000
        if self.nanos < 0 { self.seconds -= 1; self.nanos += 1_000_000_000 }
    }

    init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        self.init(seconds: Int(whole), nanos: Int(((interval - whole) * 1e9).rounded(.down)))
    }

    static var now: GoInstant { GoInstant(Date()) }

    /// Seconds since 1970 as a double, for spans (`ago`, `durationRound`).
    var interval: Double { Double(seconds) + Double(nanos) / 1e9 }

    /// `self` moved by a duration in seconds (`dateModify`), to the nanosecond.
    func adding(_ duration: Double) -> GoInstant {
        // Go's durations end at about 292 years (callers refuse longer ones).
        guard abs(duration) < 9.3e9 else { return self }
        let whole = duration.rounded(.towardZero)
        return GoInstant(seconds: seconds + Int(whole), nanos: nanos + Int(((duration - whole) * 1e9).rounded()))
    }
}

/// The fields of an instant on Go's calendar: the proleptic Gregorian one, with a year 0 and
/// no Julian dates before 1582 (Foundation's Gregorian calendar has both).
struct GoCivil {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanos: Int
    /// 0 for Sunday.
    var weekday: Int
    /// 1 for the 1st of January.
    var yearDay: Int

    /// `instant`'s wall clock `offset` seconds east of UTC.
    init(_ instant: GoInstant, offset: Int = 0) {
        let local = instant.seconds.addingReportingOverflow(offset).partialValue
        let days = Self.floorDivide(local, 86_400), remainder = local % 86_400
        let clock = remainder < 0 ? remainder + 86_400 : remainder
        (year, month, day) = Self.civil(days: days)
        (hour, minute, second, nanos) = (clock / 3600, clock / 60 % 60, clock % 60, instant.nanos)
        weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        yearDay = days - Self.days(year: year, month: 1, day: 1) + 1
    }

    /// Seconds since 1970 of a wall clock in UTC.
    static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int {
        days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Days since 1970-01-01 of a date (months and days in range).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = floorDivide(shifted, 400), yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day since 1970-01-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097), dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex + (monthIndex < 10 ? 3 : -9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `a / b` rounded down (for `b` > 0), without overflow at Int's ends.
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return a % b < 0 ? quotient - 1 : quotient
    }
}
