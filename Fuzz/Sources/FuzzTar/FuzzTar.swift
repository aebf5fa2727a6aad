import Archive
import Foundation
import FuzzDriver

/// The tar reader (gzip, zstd or plain) over any bytes: entries and data, or an ArchiveError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let reader = try? ArchiveReader(data: Data(UnsafeBufferPointer(start: data, count: size)), name: "fuzz") else { return 0 }
    var entries = 0
    while entries < 1000, let entry = try? reader.next() {
        entries += 1
        if entry.kind == .regular { _ = try? reader.readAll(limit: 1 << 20) }
    }
    return 0
}

@_cdecl("FuzzTar_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzTar(data, size) }
}
