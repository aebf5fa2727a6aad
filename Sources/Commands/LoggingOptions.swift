import ArgumentParser
import Diagnostics

/// `--quiet`, `--verbose` and `--debug`, on every command: how much it says on stderr besides
/// its result and its errors. The process's verbosity is set as soon as they are parsed.
struct LoggingOptions: ParsableArguments {
    @Flag(name: [.customShort("q"), .long], help: "Errors only on stderr: no warnings, no progress (--json output still lists the warnings).")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Say more: for commands that reach a registry, each request, from where, and with which trust (CA file, client certificate).")
    var verbose = false

    @Flag(help: "Also print every HTTP request and response with its headers (credentials redacted, bodies left out).")
    var debug = false

    var verbosity: Verbosity {
        if debug { return .debug }
        if verbose { return .verbose }
        return quiet ? .quiet : .normal
    }

    func validate() throws {
        if quiet && (verbose || debug) {
            throw ValidationError("--quiet cannot be combined with --verbose or --debug: choose one.")
        }
        Log.verbosity = verbosity
    }
}
