import Content
import Foundation
import FuzzDriver
import OCI

/// Helm's version rules: any text parses or is refused, and a parsed version compares with
/// itself, without a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersion(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let halves = text.split(separator: "\n", maxSplits: 1).map(String.init)
    if let version = SemanticVersion(halves.first ?? text) {
        if version < version { abort() }
        if halves.count == 2, let constraint = VersionConstraint(halves[1]) { _ = constraint.isSatisfied(by: version) }
    }
    _ = SemanticVersion(strict: text)
    _ = ChartPuller.isExactVersion(text)
    _ = ChartReference.isValidTag(text)
    return 0
}

@_cdecl("FuzzVersion_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzVersion(data, size) }
}
