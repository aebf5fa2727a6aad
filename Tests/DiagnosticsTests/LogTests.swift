import Diagnostics
import Testing

/// What --debug and --verbose may show of headers and URLs: never a credential.
struct LogTests {
    @Test func secretHeadersAreRedacted() {
        #expect(Log.header("Authorization", "Bearer abc.def") == "Authorization: (redacted, 14 bytes)")
        #expect(Log.header("set-cookie", "session=1") == "set-cookie: (redacted, 9 bytes)")
        #expect(Log.header("Docker-Content-Digest", "sha256:00") == "Docker-Content-Digest: sha256:00")
    }

    @Test func signedStorageURLsLoseTheirQueryValues() {
        let s3 = "https://bucket.s3.amazonaws.com/docker/blobs/ab?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F&X-Amz-Signature=f00d"
        #expect(Log.redactingQuery(s3) == "https://bucket.s3.amazonaws.com/docker/blobs/ab?X-Amz-Algorithm=(redacted)&X-Amz-Credential=(redacted)&X-Amz-Signature=(redacted)")
        #expect(Log.header("Location", s3).hasPrefix("Location: https://bucket.s3.amazonaws.com/docker/blobs/ab?X-Amz-Algorithm=(redacted)"))
        // The registry API's own parameters stay readable.
        let token = "https://auth.example/token?service=reg&scope=repository:team/app:pull"
        #expect(Log.redactingQuery(token) == token)
        #expect(Log.redactingQuery("https://r.example/v2/") == "https://r.example/v2/")
    }
}
