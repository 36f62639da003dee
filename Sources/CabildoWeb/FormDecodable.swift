/// A form's fields as one typed value, nested in the controller that handles it
/// (`ThreadController.ReplyForm`). Built by `AppRequestContext.decode` from the fields
/// `FormGuardMiddleware` parsed strictly and checked against the CSRF token. A field that
/// cannot be what the page sends (no `body`, a `parent` that is not a number, a role the
/// select does not offer) is a hand-made request: 400 here. What a person can get wrong
/// (an empty title, a short password) stays a value for the handler to answer with a 422.
protocol FormDecodable {
    init(form: FormFields) throws
}

/// The readers a `FormDecodable` builds itself with: the only place where a form's text becomes a typed value.
extension FormFields {
    /// A field the form always sends; a missing one means a hand-made request, hence 400.
    func require(_ name: String) throws -> String {
        guard let value = self[name] else { throw AppError.badRequest }
        return value
    }

    /// A field the handler checks itself (with a 422 a person can act on): a missing one reads as empty.
    func text(_ name: String) -> String {
        self[name] ?? ""
    }

    /// An optional id (`parent`): absent or empty is none; anything else that is not a number is a 400.
    func id(_ name: String) throws -> Int64? {
        guard let raw = self[name], !raw.isEmpty else { return nil }
        guard let id = Int64(raw) else { throw AppError.badRequest }
        return id
    }

    /// A checkbox: a checked one sends "1", an unchecked one nothing.
    func isChecked(_ name: String) -> Bool {
        self[name] == "1"
    }

    /// One of the values a select or a radio group offers; the page offers no other, so anything else is a 400.
    func choice<Value: RawRepresentable<String>>(_ name: String) throws -> Value {
        guard let value = Value(rawValue: text(name)) else { throw AppError.badRequest }
        return value
    }
}
