import CStartup
import Commands

// The arguments from the start-up shim (CStartup): CommandLine.arguments needs /proc.
BundleCommand.runWithVersion(arguments: (0..<bundle_startup_argc()).compactMap { bundle_startup_argument($0).map { String(cString: $0) } })
