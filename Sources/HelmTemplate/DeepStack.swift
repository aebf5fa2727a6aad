import Foundation

/// Runs a render on a thread of its own with a stack deep enough for Helm's 1000 nested
/// `include`/`tpl` calls (a hostile chart that includes itself must stop at the depth limit
/// with an error, never overflow a thread's stack and kill the process).
enum DeepStack {
    /// The stack reserved (address space; pages are only used as the recursion goes deep).
    static let bytes = 1 << 30

    private final class Outcome<T>: @unchecked Sendable {  // written by the thread before `done` is signalled, read after
        var result: Result<T, TemplateError>?
    }

    static func run<T>(_ body: @escaping @Sendable () throws(TemplateError) -> T) throws(TemplateError) -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do throws(TemplateError) { outcome.result = .success(try body()) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        thread.stackSize = bytes
        thread.name = "bundle-render"
        thread.start()
        done.wait()
        guard let result = outcome.result else {
            throw TemplateError(.execute, template: "", line: 1, column: 1, "the render thread ended without a result")
        }
        return try result.get()
    }
}
