import DesiredState
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /openapi.json`: the published contract (see `OpenAPIDocument`), and
/// `GET /v1/schema/fleet.json`: the JSON Schema of a fleet document (`FleetJSONSchema`). No auth.
struct OpenAPIRoutes: Sendable {
    let env: APIEnvironment

    func add(to routes: RouteTable) {
        routes.add(.get, "/openapi.json") { _, _ in
            try JSONWire.response(OpenAPIDocument.document)
        }
        routes.add(.get, FleetJSONSchema.path) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: FleetJSONSchema.json)))
        }
    }
}
