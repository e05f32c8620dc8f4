import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The OpenAPI document tells the truth")
struct OpenAPITests {
    static var document: [String: Any] {
        let data = (try? JSONEncoder().encode(OpenAPIDocument.document)) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test("every route the router has is documented, and every documented operation is a route")
    func routesMatchDocument() async throws {
        let harness = try await Harness.make()
        let env = APIEnvironment.make(store: harness.store, configuration: harness.configuration)
        let routes = Set(buildRoutes(env: env).all.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        let paths = Self.document["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0) \(path)" } })
        #expect(routes == documented, "only routed: \(routes.subtracting(documented)); only documented: \(documented.subtracting(routes))")
        #expect(routes.count >= 28)
    }

    @Test("the served document is the same value and is OpenAPI 3")
    func served() async throws {
        try await Harness.make().run(controller: nil) { client in
            let response = try await client.call(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(try response.jsonObject()["openapi"] as? String == "3.0.3")
        }
    }

    @Test("real responses of a full flow have declared statuses and bodies matching their schemas")
    func realResponsesMatch() async throws {
        let harness = try await Harness.make()
        let checker = ResponseChecker(document: Self.document)
        try await harness.run { client in
            func check(_ method: HTTPRequest.Method, _ pattern: String, _ uri: String, key: String? = nil, admin: Bool = false, json: String? = nil, headers: [String: String] = [:]) async throws -> TestResponse {
                let response = try await client.call(method, uri, platformKey: key, admin: admin, headers: headers, json: json)
                await checker.check(method: method.rawValue.lowercased(), path: pattern, response: response)
                return response
            }
            _ = try await check(.get, "/health", "/health")
            _ = try await check(.get, "/ready", "/ready")
            let reg = try await check(.post, "/products/register", "/products/register", admin: true, json: #"{"slug":"bap","display_name":"BAP","policy":{"max_engines":2}}"#)
            let key = try reg.jsonObject()["platform_api_key"] as? String ?? ""
            _ = try await check(.post, "/products/register", "/products/register", admin: true, json: #"{"slug":"bap","display_name":"BAP"}"#)
            _ = try await check(.post, "/products/register", "/products/register", json: "{}")
            _ = try await check(.put, "/products/{product_id}/policy", "/products/bap/policy", admin: true, json: #"{"policy":{"max_engines":3,"rate_limit_rpm":1000}}"#)
            _ = try await check(.post, "/engines/provision", "/engines/provision", key: key, json: #"{"user_id":"u"}"#)
            _ = try await check(.post, "/engines/provision", "/engines/provision", key: key, json: #"{"user_id":"u"}"#)
            _ = try await check(.post, "/engines/provision", "/engines/provision", key: key, json: "{")
            _ = try await check(.get, "/engines", "/engines", key: key)
            _ = try await check(.get, "/engines/{user_id}", "/engines/u", key: key)
            _ = try await check(.get, "/engines/{user_id}", "/engines/nobody", key: key)
            _ = try await check(.post, "/engines/{user_id}/start", "/engines/u/start", key: key)
            _ = try await check(.post, "/engines/{user_id}/admit", "/engines/u/admit", key: key)
            _ = try await check(.post, "/engines/{user_id}/admit", "/engines/v/admit", key: key)
            _ = try await check(.post, "/engines/{user_id}/rotate-key", "/engines/u/rotate-key", key: key)
            _ = try await check(.post, "/engines/{user_id}/stop", "/engines/u/stop", key: key)
            _ = try await check(.post, "/engines/{user_id}/stop", "/engines/u/stop", key: key)
            _ = try await check(.post, "/engines/{user_id}/admit", "/engines/u/admit", key: key)
            _ = try await check(.get, "/status", "/status", key: key)
            _ = try await check(.get, "/metrics", "/metrics", key: key)
            _ = try await check(.get, "/metrics", "/metrics")
            let e = "/v1/products/{product}/engines/{user}"
            _ = try await check(.put, e, "/v1/products/bap/engines/w", key: key, json: #"{"spec":{"state":"asleep"}}"#)
            _ = try await check(.put, e, "/v1/products/bap/engines/w", key: key, json: #"{"spec":{"state":"awake"}}"#, headers: ["If-Match": "99"])
            _ = try await check(.get, e, "/v1/products/bap/engines/w", key: key)
            _ = try await check(.patch, e, "/v1/products/bap/engines/w", key: key, json: #"{"spec":{"image":null}}"#)
            _ = try await check(.post, e + "/wake", "/v1/products/bap/engines/w/wake?wait=true", key: key)
            _ = try await check(.post, e + "/sleep", "/v1/products/bap/engines/w/sleep", key: key)
            _ = try await check(.get, "/v1/products/{product}/engines", "/v1/products/bap/engines", key: key)
            _ = try await check(.get, "/v1/products", "/v1/products", admin: true)
            _ = try await check(.get, "/v1/products/{product}", "/v1/products/bap", key: key)
            _ = try await check(.get, "/v1/audit", "/v1/audit?limit=5", admin: true)
            _ = try await check(.get, "/v1/watch", "/v1/watch?timeout=1", key: key)
            _ = try await check(.delete, e, "/v1/products/bap/engines/w", key: key)
            _ = try await check(.delete, "/engines/{user_id}", "/engines/u", key: key)
            _ = try await check(.post, "/v1/products/{product}/rotate-platform-key", "/v1/products/bap/rotate-platform-key", admin: true)
            _ = try await check(.get, "/v1/fleet", "/v1/fleet", admin: true)
            _ = try await check(.post, "/v1/apply", "/v1/apply?dry_run=true", admin: true, json: "{")
            _ = try await check(.delete, "/v1/products/{product}", "/v1/products/bap", admin: true)
            _ = try await check(.delete, "/v1/products/{product}", "/v1/products/bap", admin: true)
        }
        let problems = await checker.problems
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(await checker.checked >= 35)
    }
}

/// Checks a response's status is declared for its operation and its JSON body fits the schema.
actor ResponseChecker {
    let document: [String: Any]
    var problems: [String] = []
    var checked = 0

    init(document: [String: Any]) { self.document = document }

    func check(method: String, path: String, response: TestResponse) {
        checked += 1
        let where_ = "\(method.uppercased()) \(path) → \(response.status.code)"
        guard let op = ((document["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any] else {
            problems.append("\(where_): operation not documented"); return
        }
        guard let declared = (op["responses"] as? [String: Any])?[String(response.status.code)] as? [String: Any] else {
            problems.append("\(where_): status not declared"); return
        }
        let contentType = response.headers[.contentType] ?? ""
        guard contentType.hasPrefix("application/json"),
              let schema = ((declared["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"],
              let body = try? JSONSerialization.jsonObject(with: Data(response.text.utf8), options: [.fragmentsAllowed])
        else { return }
        validate(body, schema, at: where_)
    }

    private func resolve(_ schema: Any) -> [String: Any] {
        guard let s = schema as? [String: Any] else { return [:] }
        if let ref = s["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            return resolve(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as Any)
        }
        return s
    }

    private func validate(_ value: Any, _ rawSchema: Any, at path: String) {
        let schema = resolve(rawSchema)
        if value is NSNull {
            if schema["nullable"] as? Bool != true { problems.append("\(path): null not allowed") }
            return
        }
        if let parts = schema["allOf"] as? [Any] {
            for part in parts { validate(value, part, at: path) }
            return
        }
        if let alternatives = schema["oneOf"] as? [Any] {
            let before = problems.count
            for alt in alternatives { validate(value, alt, at: path) }
            if problems.count - before < alternatives.count { problems.removeLast(problems.count - before) }
            return
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { problems.append("\(path): expected object"); return }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { problems.append("\(path): missing \(name)") }
            for (name, child) in object {
                if let property = properties[name] { validate(child, property, at: "\(path).\(name)") }
                else if let additional = schema["additionalProperties"] {
                    if additional as? Bool == false { problems.append("\(path): undeclared field \(name)") }
                    else if additional is [String: Any] { validate(child, additional, at: "\(path).\(name)") }
                }
            }
        case "array":
            guard let array = value as? [Any] else { problems.append("\(path): expected array"); return }
            for (i, item) in array.enumerated() { validate(item, schema["items"] as Any, at: "\(path)[\(i)]") }
        case "string":
            guard let string = value as? String else { problems.append("\(path): expected string"); return }
            if let allowed = schema["enum"] as? [String], !allowed.contains(string) { problems.append("\(path): \(string) not in enum") }
        case "integer", "number":
            if !(value is NSNumber) { problems.append("\(path): expected number") }
        case "boolean":
            if !(value is Bool) { problems.append("\(path): expected boolean") }
        default: break
        }
    }
}
