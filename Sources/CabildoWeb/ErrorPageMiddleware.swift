import CabildoCore
import CabildoStore
import Hummingbird
import Logging

/// Turns every error into a page in the visitor's language with the right status.
/// No stack trace, SQL or internal message ever reaches the page; unexpected errors are logged.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: Renderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            return response(for: error, context: context)
        } catch StoreError.notFound {
            return response(for: .notFound, context: context)
        } catch StoreError.unavailable {
            return response(for: .unavailable, context: context)
        } catch StoreError.notPermitted {
            return response(for: .forbidden(messageKey: "error_forbidden", preservedText: nil), context: context)
        } catch StoreError.lastAdmin {
            return response(for: .forbidden(messageKey: "error_last_admin", preservedText: nil), context: context)
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound: return response(for: .notFound, context: context)
            case .contentTooLarge: return page(status: .contentTooLarge, messageKey: "error_too_large", context: context)
            case .methodNotAllowed: return page(status: .methodNotAllowed, messageKey: "error_bad_request", context: context)
            case .badRequest: return response(for: .badRequest, context: context)
            default:
                context.logger.error("request failed", metadata: ["error": "\(error)"])
                return page(status: .internalServerError, messageKey: "error_internal", context: context)
            }
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return page(status: .internalServerError, messageKey: "error_internal", context: context)
        }
    }

    private func response(for error: AppError, context: Context) -> Response {
        switch error {
        case .notFound: page(status: .notFound, messageKey: "error_not_found", context: context)
        case .forbidden(let key, let text): page(status: .forbidden, messageKey: key, context: context, preservedText: text)
        case .badRequest: page(status: .badRequest, messageKey: "error_bad_request", context: context)
        case .unprocessable(let key): page(status: .unprocessableContent, messageKey: key, context: context)
        case .unavailable: page(status: .serviceUnavailable, messageKey: "error_unavailable", context: context)
        case .signInRequired(let returnTo, nil): redirect(to: SiteURL.login(returningTo: returnTo))
        case .signInRequired(let returnTo, let text?):
            page(status: .unauthorized, messageKey: "error_sign_in_required", context: context, preservedText: text,
                 loginPath: SiteURL.login(returningTo: returnTo))
        case .forbiddenUntilSignedIn(let returnTo):
            page(status: .forbidden, messageKey: "error_forbidden", context: context, loginPath: SiteURL.login(returningTo: returnTo))
        case .twoFactorRequired(nil): redirect(to: SiteURL.settingsTwoFactor.path)
        case .twoFactorRequired(let text?):
            page(status: .forbidden, messageKey: "two_factor_required_staff", context: context, preservedText: text,
                 enrolPath: SiteURL.settingsTwoFactor.path)
        case .staleForm(let text): page(status: .forbidden, messageKey: "error_stale_form", context: context, preservedText: text)
        case .rateLimited(let refusal, let text): rateLimited(refusal, preservedText: text, context: context)
        case .boardNotOpen(let phase, let slug, let text): boardNotOpen(phase, slug: slug, preservedText: text, context: context)
        }
    }

    private func rateLimited(_ refusal: RateLimitRefusal, preservedText: String?, context: Context) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let message = RateLimitMessage.text(refusal, t)
        let page = ErrorPage(layout: renderer.layout(context.visitor, title: t["error_title"]), status: 429, message: message,
                             preservedText: preservedText, loginPath: nil, enrolPath: nil, conclusionsPath: nil)
        var response = renderer.render(page, status: .tooManyRequests)
        response.headers.setRateLimit(refusal)
        return response
    }

    private func boardNotOpen(_ phase: BoardPhase, slug: String, preservedText: String?, context: Context) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let notice = PhaseNotice(phase, slug: slug, t: t)
        let page = ErrorPage(layout: renderer.layout(context.visitor, title: t["error_title"]), status: 403,
                             message: notice?.text ?? t["error_forbidden"], preservedText: preservedText, loginPath: nil,
                             enrolPath: nil, conclusionsPath: notice?.conclusionsPath)
        return renderer.render(page, status: .forbidden)
    }

    private func page(status: HTTPResponse.Status, messageKey: String, context: Context, preservedText: String? = nil,
                      loginPath: String? = nil, enrolPath: String? = nil) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = ErrorPage(layout: renderer.layout(context.visitor, title: t["error_title"]),
                             status: status.code, message: t[messageKey], preservedText: preservedText,
                             loginPath: loginPath, enrolPath: enrolPath, conclusionsPath: nil)
        return renderer.render(page, status: status)
    }
}

struct ErrorPage: Page {
    static let template = "error"
    let layout: Layout
    let status: Int
    let message: String
    let preservedText: String?
    let loginPath: String?
    /// Where staff enrol in two-factor sign-in, when that is what the refusal waits for.
    let enrolPath: String?
    /// A closed board's conclusions, when the refusal is that it closed.
    let conclusionsPath: String?

    func value(_ name: String) -> Any? {
        switch name {
        case "status": status
        case "message": message
        case "preservedText": preservedText ?? false
        case "loginPath": loginPath ?? false
        case "enrolPath": enrolPath ?? false
        case "conclusionsPath": conclusionsPath ?? false
        default: nil
        }
    }
}
