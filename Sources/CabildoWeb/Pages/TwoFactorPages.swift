import CabildoCore
import CabildoStore
import Foundation
import Mustache

/// `/settings/2fa`: enrolling (the secret as a link, a QR code and text, and the code that
/// confirms it), the recovery codes once, or the state when on with the form that turns it off.
struct TwoFactorSettingsPage: Page {
    static let template = "two_factor"
    let layout: Layout
    let step: Step
    let notice: String?
    /// A refused code, in words.
    let error: String?

    enum Step: Sendable {
        case enrolling(Enrolment)
        case recoveryCodes([String])
        case on(since: String, codesLeft: String)
    }

    struct Enrolment: MustacheParent, Sendable {
        let authenticatorURL: String
        let secretText: String
        let qr: QRCode?

        init(secret: TOTPSecret, username: String) {
            authenticatorURL = secret.authenticatorURL(account: username, issuer: "Cabildo")
            secretText = secret.base32Groups
            qr = QRCode(encoding: authenticatorURL)
        }

        func child(named name: String) -> Any? {
            switch name {
            case "authenticatorURL": authenticatorURL
            case "secretText": secretText
            case "qrSize": qr?.size ?? false
            case "qrPath": qr?.path ?? false
            default: nil
            }
        }
    }

    init(_ step: Step, visitor: Visitor, renderer: Renderer, notice: String? = nil, error: String? = nil) {
        let t = renderer.catalogs[visitor.language]
        layout = renderer.layout(visitor, title: t["two_factor"])
        self.step = step
        self.notice = notice
        self.error = error
    }

    func value(_ name: String) -> Any? {
        switch name {
        case "notice": notice ?? false
        case "error": error ?? false
        case "enrolling": if case .enrolling(let enrolment) = step { enrolment } else { false }
        case "showsRecoveryCodes": if case .recoveryCodes = step { true } else { false }
        case "recoveryCodes": if case .recoveryCodes(let codes) = step { codes } else { [String]() }
        case "isOn": if case .on = step { true } else { false }
        case "since": if case .on(let since, _) = step { since } else { false }
        case "codesLeft": if case .on(_, let left) = step { left } else { false }
        default: nil
        }
    }
}

/// `/login/2fa`: the second step of signing in, after a correct password.
struct LoginCodePage: Page {
    static let template = "login_2fa"
    let layout: Layout
    let next: String
    let error: String?

    func value(_ name: String) -> Any? {
        switch name {
        case "next": next
        case "error": error ?? false
        default: nil
        }
    }
}
