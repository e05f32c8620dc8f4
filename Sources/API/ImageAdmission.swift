import DesiredState
import Foundation

extension APIError {
    /// A well-formed image reference the operator has not allowed (`ORCH_ALLOWED_IMAGES`).
    /// The message does not repeat the reference or the allowlist.
    public static let imageNotAllowed = APIError(
        .forbidden, "IMAGE_NOT_ALLOWED",
        "This server does not run that image: it is not in the operator's allowlist (ORCH_ALLOWED_IMAGES). Leave the image out to run the product's default."
    )
}

extension APIEnvironment {
    /// Refuses an image pin the operator has not allowed, before anything is written: 400
    /// `INVALID_REQUEST` naming `field` for a malformed reference, 403 `IMAGE_NOT_ALLOWED` for
    /// a valid one outside `imagePolicy` and the product template's image. No pin, or the pin
    /// the engine already has (`current`), passes: an unchanged spec is never refused.
    func requireAllowedImage(_ image: String?, field: String, template: EngineTemplate, current: String? = nil) throws {
        guard let image, image != current else { return }
        try ImageReference.validate(image, field: field)
        guard configuration.imagePolicy.allows(image, templateImage: template.image) else { throw APIError.imageNotAllowed }
    }
}
