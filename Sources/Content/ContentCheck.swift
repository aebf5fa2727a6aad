import Crypto

/// The one check of received content against what was declared for it (a manifest's
/// descriptor, an index entry, a line of bundle.json, a cached blob's name): no more than the
/// declared size is taken, then the size is compared, then the sha256 digest. Each place that
/// receives content words the mismatch as its own error (its code, its subject, what to do)
/// and removes what it wrote; the rule of what counts as a mismatch is here.
public struct ContentCheck {
    public enum Mismatch: Equatable, Sendable {
        /// More or fewer bytes than declared.
        case size(received: Int64, declared: Int64)
        /// The declared size, other bytes.
        case digest(received: Digest)
    }

    public let declared: Digest
    public let declaredSize: Int64?
    public private(set) var received: Int64 = 0
    private var hasher = SHA256()

    /// `size` nil: any size (the digest alone decides).
    public init(digest: Digest, size: Int64?) {
        declared = digest
        declaredSize = size
    }

    /// What a descriptor declares.
    public init(_ descriptor: Descriptor) {
        self.init(digest: descriptor.digest, size: descriptor.size)
    }

    /// Takes the next bytes; false once more than the declared size has arrived (stop reading:
    /// the content is not what was declared).
    @discardableResult
    public mutating func update(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received += Int64(bytes.count)
        if let declaredSize, received > declaredSize { return false }
        hasher.update(bufferPointer: bytes)
        return true
    }

    /// What differs from the declaration, once every byte has been taken; nil when nothing does.
    public func finish() -> Mismatch? {
        Self.compare(receivedSize: received, sha256Hex: Digest.hex(of: hasher.finalize()), against: declared, size: declaredSize)
    }

    /// The same rule for content already hashed as it arrived (an HTTP body, an index entry).
    public static func compare(receivedSize: Int64, sha256Hex: String, against digest: Digest, size: Int64?) -> Mismatch? {
        if let size, receivedSize != size { return .size(received: receivedSize, declared: size) }
        if sha256Hex != digest.hex { return .digest(received: Digest(sha256Hex: sha256Hex)) }
        return nil
    }
}
