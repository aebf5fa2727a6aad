import Foundation

/// Sprig's arithmetic as Helm ships it: integer functions (`add`, `add1`, `sub`, `mul`, `div`,
/// `mod`, `max`, `min`, `biggest`) convert each argument as cast's `toInt64` does and return an
/// int64; the `…f` ones and `floor`, `ceil`, `round` work on float64; `until` and `untilStep`
/// make integer lists, `seq` a string of numbers as the shell's `seq` prints them.
enum SprigMath {
    /// The longest list `until`, `untilStep` and `seq` make (a template is untrusted).
    static let maxItems = 1_000_000

    static let table: FunctionTable = [
        "add": { args, _ in .int64(try fold(args, "add", 0) { $0.addingReportingOverflow($1).partialValue }) },
        "add1": { args, _ in .int64(SprigData.toInt(try SprigStrings.single(args, "add1")) &+ 1) },
        "sub": { args, _ in try pair(args, "sub") { .int64($0 &- $1) } },
        "mul": { args, _ in
            guard !args.isEmpty else { throw FunctionError("wrong number of args for mul: want at least 1 got 0") }
            return .int64(args.dropFirst().reduce(SprigData.toInt(args[0])) { $0 &* SprigData.toInt($1) })
        },
        "div": { args, _ in
            try pair(args, "div") { a, b in
                guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
                return .int64(a == Int.min && b == -1 ? a : a / b)
            }
        },
        "mod": { args, _ in
            try pair(args, "mod") { a, b in
                guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
                return .int64(b == -1 ? 0 : a % b)
            }
        },
        "max": { args, _ in .int64(try fold(args, "max", nil) { Swift.max($0, $1) }) },
        "biggest": { args, _ in .int64(try fold(args, "biggest", nil) { Swift.max($0, $1) }) },
        "min": { args, _ in .int64(try fold(args, "min", nil) { Swift.min($0, $1) }) },
        "addf": { args, _ in .float(args.reduce(0) { $0 + SprigData.toFloat($1) }) },
        "add1f": { args, _ in .float(SprigData.toFloat(try SprigStrings.single(args, "add1f")) + 1) },
        "subf": { args, _ in try floats(args, "subf") { $0 - $1 } },
        "mulf": { args, _ in try floats(args, "mulf") { $0 * $1 } },
        "divf": { args, _ in try floats(args, "divf") { $0 / $1 } },
        "maxf": { args, _ in try floats(args, "maxf") { Swift.max($0, $1) } },
        "minf": { args, _ in try floats(args, "minf") { Swift.min($0, $1) } },
        "floor": { args, _ in .float(SprigData.toFloat(try SprigStrings.single(args, "floor")).rounded(.down)) },
        "ceil": { args, _ in .float(SprigData.toFloat(try SprigStrings.single(args, "ceil")).rounded(.up)) },
        "round": { args, _ in
            guard args.count >= 2 else { throw FunctionError("wrong number of args for round: want at least 2 got \(args.count)") }
            let places = Double(Swift.max(-300, Swift.min(300, SprigData.toInt(args[1]))))
            let point = args.count > 2 ? SprigData.toFloat(args[2]) : 0.5
            // Go's math.Modf keeps the sign: a negative number's fraction is below any point.
            let scale = pow(10, places), shifted = SprigData.toFloat(args[0]) * scale
            let fraction = shifted - shifted.rounded(.towardZero)
            return .float((fraction >= point ? shifted.rounded(.up) : shifted.rounded(.down)) / scale)
        },
        "until": { args, _ in try steps(0, SprigData.toInt(try SprigStrings.single(args, "until")), nil) },
        "untilStep": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for untilStep: want 3 got \(args.count)") }
            return try steps(SprigData.toInt(args[0]), SprigData.toInt(args[1]), SprigData.toInt(args[2]))
        },
        "seq": { args, _ in try sequence(args.map(SprigData.toInt)) },
    ]

    /// Every argument as an int64, combined; with `start` nil the first argument starts.
    static func fold(_ args: [Value], _ name: String, _ start: Int?, _ combine: (Int, Int) -> Int) throws -> Int {
        let numbers = args.map(SprigData.toInt)
        if let start { return numbers.reduce(start, combine) }
        guard let first = numbers.first else { throw FunctionError("wrong number of args for \(name): want at least 1 got 0") }
        return numbers.dropFirst().reduce(first, combine)
    }

    static func pair(_ args: [Value], _ name: String, _ body: (Int, Int) throws -> Value) throws -> Value {
        guard args.count == 2 else { throw FunctionError("wrong number of args for \(name): want 2 got \(args.count)") }
        return try body(SprigData.toInt(args[0]), SprigData.toInt(args[1]))
    }

    static func floats(_ args: [Value], _ name: String, _ combine: (Double, Double) -> Double) throws -> Value {
        guard let first = args.first else { throw FunctionError("wrong number of args for \(name): want at least 1 got 0") }
        return .float(args.dropFirst().reduce(SprigData.toFloat(first)) { combine($0, SprigData.toFloat($1)) })
    }

    /// `until`/`untilStep`: from `start` towards `stop` (excluded) by `step` (the sign of the
    /// distance when nil); a step going the other way, or zero, gives an empty list.
    static func steps(_ start: Int, _ stop: Int, _ step: Int?) throws -> Value {
        let step = step ?? (stop < start ? -1 : 1)
        guard step != 0, (step > 0 && start < stop) || (step < 0 && start > stop) else { return .list(ValueList([], type: .intList)) }
        let count = (Double(stop) - Double(start)) / Double(step)
        guard count <= Double(maxItems) else { throw FunctionError("makes a list of more than \(maxItems) items") }
        return .list(ValueList(Swift.stride(from: start, to: stop, by: step).map { .int($0) }, type: .intList))
    }

    /// `seq LAST`, `seq FIRST LAST`, `seq FIRST STEP LAST`: the numbers joined by spaces.
    static func sequence(_ numbers: [Int]) throws -> Value {
        let (first, step, last): (Int, Int, Int)
        switch numbers.count {
        case 1: (first, step, last) = (1, numbers[0] < 1 ? -1 : 1, numbers[0])
        case 2: (first, step, last) = (numbers[0], numbers[1] < numbers[0] ? -1 : 1, numbers[1])
        case 3: (first, step, last) = (numbers[0], numbers[1], numbers[2])
        default: return .string("")
        }
        guard step != 0, (step > 0 && first <= last) || (step < 0 && first >= last) else { return .string("") }
        guard (Double(last) - Double(first)) / Double(step) < Double(maxItems) else { throw FunctionError("makes more than \(maxItems) numbers") }
        return .string(Swift.stride(from: first, through: last, by: step).map(String.init).joined(separator: " "))
    }
}
