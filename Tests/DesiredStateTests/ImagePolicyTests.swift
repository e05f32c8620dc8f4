import DesiredState
import Testing

@Suite("Image references and the image allowlist")
struct ImagePolicyTests {
    @Test("Docker's reference grammar: what a product may write and what it may not", arguments: [
        ("september-engine", true), ("september-engine:2.3.0", true), ("team/app:1", true),
        ("registry.example.com:5000/team/app:v1.2-rc_3", true), ("localhost/app", true),
        ("app@sha256:" + String(repeating: "a", count: 64), true), ("a__b.c-d--e:latest", true),
        ("/usr/bin/env", false), ("../containers/json?x", false), ("app/../etc", false), ("app?x", false),
        ("app#x", false), ("app%2Fx", false), ("app x", false), ("app\tx", false), ("App:1", false),
        ("", false), ("app:", false), ("app:-x", false), (":tag", false), ("app//x", false), ("app/", false),
        ("app@sha256:short", false), ("app.:1", false), ("é:1", false), (String(repeating: "a", count: 256), false),
    ])
    func grammar(_ text: String, valid: Bool) {
        #expect((ImageReference(text) != nil) == valid, "\(text)")
    }

    @Test("normalization: a bare name is docker.io/library, no tag is latest")
    func normalization() throws {
        #expect(try #require(ImageReference("app")).repository == "docker.io/library/app")
        #expect(try #require(ImageReference("team/app:1")).repository == "docker.io/team/app")
        #expect(try #require(ImageReference("index.docker.io/library/app")).repository == "docker.io/library/app")
        #expect(try #require(ImageReference("registry.example.com:5000/app:1")).repository == "registry.example.com:5000/app")
    }

    @Test("allowlist entries: exact, tag patterns, path prefixes, the template's image", arguments: [
        ("september-engine:*", "september-engine:2.3.0", true),
        ("september-engine:*", "docker.io/library/september-engine:1", true),
        ("september-engine:*", "september-engine", true),
        ("september-engine:*", "september-engine@sha256:" + String(repeating: "b", count: 64), true),
        ("september-engine:*", "evil.example.com/september-engine:1", false),
        ("september-engine:*", "september-engine-evil:1", false),
        ("september-engine:2.*", "september-engine:2.9", true),
        ("september-engine:2.*", "september-engine:3.0", false),
        ("september-engine:2.*", "september-engine@sha256:" + String(repeating: "b", count: 64), false),
        ("september-engine:2.3.0", "september-engine:2.3.0", true),
        ("september-engine:2.3.0", "september-engine:2.3.1", false),
        ("september-engine", "september-engine:latest", true),
        ("registry.example.com/engines/*", "registry.example.com/engines/a/b:1", true),
        ("registry.example.com/engines/*", "registry.example.com/enginesx:1", false),
        ("registry.example.com/engines/*", "registry.example.com/engines:1", false),
        ("*", "anything/at:all", true),
        ("vendor.example.com/other:1", "vendor.example.com/custom:7", true),  // The template's image.
        ("vendor.example.com/other:1", "/usr/bin/env", false),
    ])
    func allowlist(_ entry: String, _ image: String, allowed: Bool) throws {
        let policy = try ImagePolicy(allowing: entry)
        #expect(policy.allows(image, templateImage: "vendor.example.com/custom:7") == allowed, "\(entry) vs \(image)")
    }

    @Test("malformed allowlists are configuration errors; the default admits any tag of the engine image's repository")
    func configuration() throws {
        for bad in ["", " , ", "/usr/bin/*", "a:b:*", "a/../*", "UPPER:*"] {
            #expect(throws: ValidationError.self, "\(bad)") { try ImagePolicy(allowing: bad) }
        }
        let policy = try ImagePolicy.anyTag(of: "registry.example.com/september-engine:2.3.0")
        #expect(policy.allows("registry.example.com/september-engine:2.4.0", templateImage: nil))
        #expect(!policy.allows("september-engine:2.4.0", templateImage: nil))
        #expect(ImagePolicy.anyReference.allows("anything:1", templateImage: nil))
        #expect(!ImagePolicy.anyReference.allows("/usr/bin/env", templateImage: nil))
        #expect(!ImagePolicy.templatesOnly.allows("september-engine:1", templateImage: nil))
    }
}
