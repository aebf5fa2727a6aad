import BundleFormat
import Foundation
import FuzzDriver

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

@_cdecl("FuzzManifest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzManifest(data, size) }
}
