import CCurl
import Content
import Crypto
import FileSystem
import Foundation

/// State of one transfer, reached from libcurl's callbacks through an unretained pointer.
final class TransferContext {
    enum Failure { case tooLarge(Int64), write(String) }
    struct OpenError: Error { var path: String; var message: String }

    private let limit: Int64
    private var fd: Int32 = -1
    private var memory = Data()
    private var errorBody = Data()
    /// The digest of a body kept in memory; a file body's is `bodyHasher`'s.
    private var hasher = SHA256()
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    /// Bytes of response headers so far; past `maxHeaderBytes` the transfer is aborted.
    private var headerBytes = 0
    static let maxHeaderBytes = 256 << 10
    private(set) var headersTooLarge = false
    private(set) var received: Int64 = 0
    private(set) var failure: Failure?
    private let attempt: Int
    private let progress: (@Sendable (FileProgress) -> Void)?
    private var onDisk: Int64 = 0
    /// The body file goes to disk while it arrives (it is flushed once verified).
    private var writeBehind: WriteBehind?

    /// The file an upload reads from, and how much of it is left to send.
    private var uploadFD: Int32 = -1
    private var uploadLeft: Int64 = 0
    private var uploadProgress: (@Sendable (Int64) -> Void)?

    init(body: ResponseBody, attempt: Int, upload: HTTPRequest.Upload? = nil) throws(OpenError) {
        self.attempt = attempt
        switch body {
        case .memory(let limit):
            self.limit = limit
            progress = nil
        case .file(let path, let limit, let progress):
            self.limit = limit
            self.progress = progress
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { throw OpenError(path: path, message: String(cString: strerror(errno))) }
            writeBehind = WriteBehind(descriptor: fd)
            bodyHasher = BodyHasher(bufferSize: Self.bufferSize)
            buffer = bodyHasher?.first
            progress?(FileProgress(attempt: attempt, bytes: 0))
        }
        // Every stored property is set by now, so a failure below runs deinit (which closes
        // what is open; the staging buffers are the hasher's).
        if let upload {
            uploadFD = open(upload.path, O_RDONLY | O_CLOEXEC)
            if uploadFD < 0 { throw OpenError(path: upload.path, message: String(cString: strerror(errno))) }
            if lseek(uploadFD, off_t(upload.offset), SEEK_SET) < 0 { throw OpenError(path: upload.path, message: String(cString: strerror(errno))) }
            uploadLeft = upload.length
            uploadProgress = upload.progress
        }
    }

    /// Bytes waiting to be written: TLS hands over 16 KiB at a time, the disk gets 1 MiB.
    static let bufferSize = 1 << 20
    private var buffer: UnsafeMutableRawBufferPointer?
    private var buffered = 0
    /// Set for a file body (and only then): it hashes the staging buffers once written out.
    private var bodyHasher: BodyHasher?

    deinit {
        if uploadFD >= 0 { Foundation.close(uploadFD) }
        if fd >= 0 { Foundation.close(fd) }
    }

    /// Fills libcurl's buffer from the upload file; 0 at the end, abort on a read error.
    func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        guard uploadFD >= 0, uploadLeft > 0 else { return 0 }
        while true {
            let n = Foundation.read(uploadFD, destination, min(capacity, Int(clamping: uploadLeft)))
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                failure = .write("reading the upload failed: \(String(cString: strerror(errno)))")
                return Int(CURL_READFUNC_ABORT)
            }
            uploadLeft -= Int64(n)
            if n > 0 { uploadProgress?(Int64(n)) }
            return n
        }
    }

    /// At the end of the transfer: writes out what is buffered and waits for the write-behind,
    /// whose failed flush fails the transfer (the final flush would not hear of it again).
    func finishBody() {
        guard flush(), let writeBehind else { return }
        if let reason = writeBehind.finish(), failure == nil { failure = .write("flushing to disk failed: \(reason)") }
    }

    func close() {
        writeBehind?.finish()
        if fd >= 0 {
            Foundation.close(fd)
            fd = -1
        }
    }

    /// Writes out what is buffered; false (with `failure` set) if the disk refused.
    @discardableResult
    func flush() -> Bool {
        guard let current = buffer, let bodyHasher, buffered > 0 else { return true }
        defer { buffered = 0 }
        guard writeOut(UnsafeRawBufferPointer(rebasing: current[..<buffered])) else { return false }
        buffer = bodyHasher.take(current, count: buffered)
        return true
    }

    /// Tells the listener how much is on disk now.
    private func report(_ count: Int) {
        onDisk += Int64(count)
        writeBehind?.wrote(count)
        progress?(FileProgress(attempt: attempt, bytes: onDisk))
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // Non-empty here, so the buffer has an address.
            guard let base = bytes.baseAddress else { return true }
            let n = Foundation.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = .write(String(cString: strerror(errno)))
                return false
            }
            offset += n
        }
        report(bytes.count)
        return true
    }

    var bodyData: Data { (200..<300).contains(status) ? memory : errorBody }

    func digestHex() -> String {
        if let bodyHasher { return bodyHasher.finalize() }
        return Content.Digest.hex(of: hasher.finalize())
    }

    /// Takes one header line; false when the headers grew past the limit (abort the transfer).
    func header(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        headerBytes += line.count
        guard headerBytes <= Self.maxHeaderBytes else {
            headersTooLarge = true
            return false
        }
        guard let raw = String(bytes: line, encoding: .utf8) ?? String(bytes: line, encoding: .isoLatin1) else { return true }
        // "\r\n" is one Character in Swift, so trim by character set, not by suffix.
        let text = raw.trimmingCharacters(in: .newlines)
        if text.hasPrefix("HTTP/") {
            // A new response (after a proxy CONNECT or a 100 Continue): start over.
            headers.removeAll()
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return true
        }
        guard let colon = text.firstIndex(of: ":") else { return true }
        let name = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        headers.append((name, value))
        return true
    }

    /// Returns the number of bytes taken; anything else makes libcurl abort the transfer.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard (200..<300).contains(status) else {
            // Error documents are small; keep the first 64 KiB for the message.
            if errorBody.count < 65_536 { errorBody.append(contentsOf: bytes.prefix(65_536 - errorBody.count)) }
            return bytes.count
        }
        if received + Int64(bytes.count) > limit {
            failure = .tooLarge(limit)
            return 0
        }
        if bodyHasher != nil {
            // Through the staging buffers, which are written out, then hashed (`flush`).
            var rest = bytes
            while !rest.isEmpty {
                if buffered == Self.bufferSize, !flush() { return 0 }
                guard let current = buffer else { return 0 }
                let n = min(rest.count, Self.bufferSize - buffered)
                UnsafeMutableRawBufferPointer(rebasing: current[buffered..<buffered + n]).copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[..<n]))
                buffered += n
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        } else {
            hasher.update(bufferPointer: bytes)
            memory.append(contentsOf: bytes)
        }
        received += Int64(bytes.count)
        return bytes.count
    }
}

let curlWriteCallback: bundle_curl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return 0 }
    return context.write(UnsafeRawBufferPointer(start: pointer, count: length))
}

let curlReadCallback: bundle_curl_data_callback = { pointer, size, count, userdata in
    guard let userdata, let pointer else { return Int(CURL_READFUNC_ABORT) }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.read(into: UnsafeMutableRawPointer(pointer), capacity: size * count)
}

let curlHeaderCallback: bundle_curl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return length }
    let taken = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        context.header(UnsafeBufferPointer(start: $0, count: length))
    }
    return taken ? length : 0
}
