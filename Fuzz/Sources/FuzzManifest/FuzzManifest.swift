import BundleFormat
import Foundation

/// bundle.json's strict reader: any bytes must give a manifest or a BundleError, never a trap;
/// a manifest it accepts must encode and read back equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    if let manifest = try? BundleManifest.decode(bytes, source: "fuzz"), let again = try? manifest.encoded() {
        if (try? BundleManifest.decode(again, source: "fuzz")) != manifest { abort() }
    }
    return 0
}

/// SwiftPM links an executable's entry point as `FuzzManifest_main`; it hands over to libFuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzManifest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzer(&count, &arguments) { data, size in fuzzManifest(data, size) }
}
