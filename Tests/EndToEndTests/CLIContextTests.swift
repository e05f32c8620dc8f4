import Foundation
import TestSupport
import Testing

/// The CLI finds its server and key like kubectl: contexts in a 0600 config file, key files,
/// and with nothing configured the embedded server `scripts/serve` started in the current
/// directory. All with the real binary against a real embedded server.
@Suite("End to end: CLI contexts", .serialized)
struct CLIContextTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func products(_ result: LocalCLI.Result) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        return (object["products"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }.sorted()
    }

    @Test("with nothing configured, the CLI in the server's directory finds it and its admin key; elsewhere it says what is missing")
    func findsTheEmbeddedServer() async throws {
        try await EmbeddedServer.with { server in
            let cli = try LocalCLI.fresh()
            // The server wrote where it answers next to its generated key.
            let url = try String(contentsOfFile: server.directory.path + "/bap-data/server.url", encoding: .utf8)
            #expect(url.trimmingCharacters(in: .whitespacesAndNewlines) == server.base)

            let found = try cli("get", "products", "-o", "json", in: server.directory)
            #expect(found.status == 0, "\(found)")
            #expect(try Self.products(found) == [])
            #expect(try cli("status", in: server.directory).status == 0)

            // Elsewhere: no key, so no admin call succeeds, and the message names the ways to give one.
            let elsewhere = try cli("get", "products", "-o", "json", "--server", server.base)
            #expect(elsewhere.status != 0)
            #expect(elsewhere.stderr.contains("--admin-key-file"), "\(elsewhere)")
            let adminKey = try server.adminKey
            #expect(!elsewhere.stderr.contains(adminKey))

            // --admin-key-file from anywhere.
            let withFile = try cli("get", "products", "-o", "json", "--server", server.base, "--admin-key-file", server.adminKeyPath)
            #expect(withFile.status == 0, "\(withFile)")
        }
    }

    @Test("set-context, use-context, get-contexts, current-context: a 0600 file in a 0700 directory, keys never printed, each context reaching the server with its own key")
    func contexts() async throws {
        try await EmbeddedServer.with { server in
            let cli = try LocalCLI.fresh()
            let adminKey = try server.adminKey
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", adminKey)])
            var platformKeys: [String: String] = [:]
            for slug in ["ctx-a", "ctx-b"] {
                let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"\#(slug)","display_name":"\#(slug)"}"#)
                let key = try #require(registered.string("platform_api_key"), "\(registered.raw)")
                platformKeys[slug] = key
            }
            let keyA = try #require(platformKeys["ctx-a"])
            let keyFileA = cli.directory.path + "/a.key"
            FileManager.default.createFile(atPath: keyFileA, contents: Data((keyA + "\n").utf8), attributes: [.posixPermissions: 0o600])

            #expect(try cli("config", "current-context").status != 0, "no context yet")
            let first = try cli("config", "set-context", "ops", "--server", server.base, "--admin-key-file", server.adminKeyPath)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("(current)"), "the first context becomes current: \(first)")
            #expect(try cli("config", "set-context", "product-a", "--server", server.base, "--platform-key-file", "a.key").status == 0)
            let inline = try #require(platformKeys["ctx-b"])
            #expect(try cli("config", "set-context", "product-b", "--server", server.base, "--platform-key", inline, "--product", "ctx-b").status == 0)

            // The file and its directory are private; an inline key is in it, the referenced ones are not.
            #expect(try Self.mode(cli.configFile) & 0o777 == 0o600)
            #expect(try Self.mode(cli.configHome.path + "/bap-engine") & 0o777 == 0o700)
            let file = try String(contentsOfFile: cli.configFile, encoding: .utf8)
            #expect(file.contains(inline) && !file.contains(keyA) && !file.contains(adminKey))
            #expect(file.contains(keyFileA), "a relative key file is stored as an absolute path")

            let listed = try cli("config", "get-contexts")
            #expect(listed.status == 0)
            for name in ["ops", "product-a", "product-b"] { #expect(listed.stdout.contains(name)) }
            #expect(listed.stdout.contains("platform-key (inline)"))
            for key in [inline, keyA, adminKey] { #expect(!listed.stdout.contains(key), "get-contexts never prints a key") }
            #expect(try cli("config", "current-context").stdout == "ops\n")

            // The current context (admin) sees both products, from a directory with no bap-data.
            #expect(try Self.products(try cli("get", "products", "-o", "json")) == ["ctx-a", "ctx-b"])
            // Switch: a platform-key context sees only its product.
            #expect(try cli("config", "use-context", "product-a").status == 0)
            #expect(try cli("config", "current-context").stdout == "product-a\n")
            #expect(try Self.products(try cli("get", "products", "-o", "json")) == ["ctx-a"])
            // --context picks one for a single command; flags still win over the context.
            #expect(try Self.products(try cli("get", "products", "-o", "json", "--context", "product-b")) == ["ctx-b"])
            #expect(try Self.products(try cli("get", "products", "-o", "json", "--admin-key-file", server.adminKeyPath)) == ["ctx-a", "ctx-b"])
            let unknown = try cli("get", "products", "--context", "nope")
            #expect(unknown.status != 0 && unknown.stderr.contains("no context named 'nope'"), "\(unknown)")
            #expect(try cli("config", "use-context", "nope").status != 0)

            // A context's server is used: pointing it elsewhere fails to connect, naming the address.
            #expect(try cli("config", "set-context", "product-a", "--server", "http://127.0.0.1:1").status == 0)
            let moved = try cli("get", "products")
            #expect(moved.status != 0 && moved.stderr.contains("http://127.0.0.1:1"), "\(moved)")

            #expect(try cli("config", "delete-context", "product-a").status == 0)
            #expect(try cli("config", "current-context").status != 0, "deleting the current context leaves none")
            #expect(try Self.mode(cli.configFile) & 0o777 == 0o600, "rewrites keep the mode")
            // Bad input is refused before the file is touched.
            #expect(try cli("config", "set-context", "x", "--admin-key-file", "/nonexistent/key").status != 0)
            #expect(try cli("config", "set-context", "x", "--server", "ftp://host").status != 0)
            #expect(try cli("config", "set-context", "x", "--admin-key", "a", "--platform-key", "b").status != 0)
        }
    }

    @Test("shell completion scripts are generated for bash, zsh and fish and know the config verbs")
    func completion() throws {
        let cli = try LocalCLI.fresh()
        for shell in ["bash", "zsh", "fish"] {
            let script = try cli("--generate-completion-script", shell)
            #expect(script.status == 0, "\(script)")
            for word in ["apply", "config", "set-context", "use-context", "get-contexts"] {
                #expect(script.stdout.contains(word), "\(shell) completion names \(word)")
            }
        }
    }
}
