/// A regular expression compiled for a Pike VM: every thread advances one character at a time
/// in priority order, so matching takes time proportional to the text times the program, never
/// the exponential backtracking of a Perl engine; and Go's leftmost-first match (the one a
/// backtracking engine would find) is the one found. Steps are counted against a budget.
struct RegexMachine {
    enum Instruction {
        case scalar(Unicode.Scalar, foldCase: Bool)
        case set(RegexSet)
        case any(dotAll: Bool)
        case split(Int, Int)
        case jump(Int)
        case save(Int)
        case assert(RegexAssertion)
        case match
    }

    let program: [Instruction]
    let groupCount: Int
    let groupNames: [Int: String]
    /// The most instructions a pattern may compile to (a pattern is untrusted input).
    static let maxProgram = 50_000

    init(_ pattern: String) throws(RegexError) {
        var parser = RegexParser(pattern)
        let node = try parser.parse()
        var program: [Instruction] = []
        try Self.emit(.group(node, index: 0), into: &program)
        program.append(.match)
        self.program = program
        groupCount = parser.groupCount
        groupNames = parser.groupNames
    }

    static func emit(_ node: RegexNode, into program: inout [Instruction]) throws(RegexError) {
        guard program.count < maxProgram else { throw RegexError(message: "expression too large") }
        switch node {
        case .empty: return
        case .literal(let s, let fold): program.append(.scalar(s, foldCase: fold))
        case .set(let set): program.append(.set(set))
        case .any(let dotAll): program.append(.any(dotAll: dotAll))
        case .assertion(let kind): program.append(.assert(kind))
        case .concat(let items): for item in items { try emit(item, into: &program) }
        case .group(let body, let index):
            if let index { program.append(.save(2 * index)) }
            try emit(body, into: &program)
            if let index { program.append(.save(2 * index + 1)) }
        case .alternate(let branches):
            var jumps: [Int] = []
            for (number, branch) in branches.enumerated() {
                if number < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, -1))
                    try emit(branch, into: &program)
                    jumps.append(program.count)
                    program.append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch, into: &program)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let body, let min, let max, let greedy):
            for _ in 0..<min { try emit(body, into: &program) }
            if let max {
                // Each optional copy: split(body, skip to the end).
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.split(-1, -1))
                    try emit(body, into: &program)
                }
                for split in splits { program[split] = greedy ? .split(split + 1, program.count) : .split(program.count, split + 1) }
            } else {
                let loop = program.count
                program.append(.split(-1, -1))
                try emit(body, into: &program)
                program.append(.jump(loop))
                program[loop] = greedy ? .split(loop + 1, program.count) : .split(program.count, loop + 1)
            }
        }
    }

    /// The leftmost-first match in `text` starting the search at `from`: each group's bounds
    /// (character offsets; -1 where a group took no part), nil for no match.
    func match(_ text: [Unicode.Scalar], from: Int, budget: inout Int) throws(RegexError) -> [Int]? {
        let slots = 2 * (groupCount + 1)
        var current: [(pc: Int, saves: [Int])] = [], next: [(pc: Int, saves: [Int])] = []
        var currentSeen = Set<Int>(), nextSeen = Set<Int>()
        var found: [Int]?
        var position = from
        while true {
            // A new start at each position, below every thread already running, until a match.
            if found == nil { add(&current, pc: 0, saves: Array(repeating: -1, count: slots), at: position, in: text, seen: &currentSeen) }
            // No thread left: done once a match is found or the text ends, else try the next start.
            if current.isEmpty && (found != nil || position >= text.count) { break }
            next.removeAll(keepingCapacity: true)
            nextSeen.removeAll(keepingCapacity: true)
            threads: for thread in current {
                budget -= 1
                guard budget >= 0 else { throw RegexError(message: "the regular expression needs more than its step budget on this text") }
                let advances: Bool
                switch program[thread.pc] {
                case .match:
                    found = thread.saves
                    break threads  // the threads after it have lower priority
                case .scalar(let s, let fold): advances = position < text.count && Self.same(text[position], s, fold)
                case .set(let set): advances = position < text.count && set.contains(text[position])
                case .any(let dotAll): advances = position < text.count && (dotAll || text[position] != "\n")
                default: advances = false
                }
                if advances { add(&next, pc: thread.pc + 1, saves: thread.saves, at: position + 1, in: text, seen: &nextSeen) }
            }
            // The instructions followed to reach the next step's threads count too.
            budget -= nextSeen.count
            guard budget >= 0 else { throw RegexError(message: "the regular expression needs more than its step budget on this text") }
            swap(&current, &next)
            swap(&currentSeen, &nextSeen)
            if position >= text.count { break }
            position += 1
        }
        return found
    }

    /// Follows jumps, splits (preferred branch first), saves and assertions from `pc`.
    private func add(_ list: inout [(pc: Int, saves: [Int])], pc: Int, saves: [Int], at position: Int, in text: [Unicode.Scalar], seen: inout Set<Int>) {
        guard seen.insert(pc).inserted else { return }
        switch program[pc] {
        case .jump(let target): add(&list, pc: target, saves: saves, at: position, in: text, seen: &seen)
        case .split(let first, let second):
            add(&list, pc: first, saves: saves, at: position, in: text, seen: &seen)
            add(&list, pc: second, saves: saves, at: position, in: text, seen: &seen)
        case .save(let slot):
            var saves = saves
            if slot < saves.count { saves[slot] = position }
            add(&list, pc: pc + 1, saves: saves, at: position, in: text, seen: &seen)
        case .assert(let kind):
            if Self.holds(kind, at: position, in: text) { add(&list, pc: pc + 1, saves: saves, at: position, in: text, seen: &seen) }
        default:
            list.append((pc, saves))
        }
    }

    static func same(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ fold: Bool) -> Bool {
        a == b || (fold && a.properties.lowercaseMapping == b.properties.lowercaseMapping)
    }

    static func holds(_ kind: RegexAssertion, at position: Int, in text: [Unicode.Scalar]) -> Bool {
        func isWord(_ i: Int) -> Bool { i >= 0 && i < text.count && RegexSet.word.contains(text[i]) }
        switch kind {
        case .textStart: return position == 0
        case .textEnd: return position == text.count
        case .lineStart: return position == 0 || text[position - 1] == "\n"
        case .lineEnd: return position == text.count || text[position] == "\n"
        case .wordBoundary: return isWord(position - 1) != isWord(position)
        case .notWordBoundary: return isWord(position - 1) == isWord(position)
        }
    }
}
