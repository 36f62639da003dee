import Testing
@testable import CabildoWeb

/// `AppConfig.fromEnvironment`, the one reader of `CABILDO_*` variables.
@Suite struct SettingsReaderTests {
    @Test func everyVariableIsReadOnceAndRefusesNonsenseByName() throws {
        let names = AppConfig.variables.map(\.name)
        #expect(Set(names).count == names.count, "each variable has one entry")
        #expect(names.allSatisfy { $0.hasPrefix("CABILDO_") })
        // Free text (paths, host, base URL) takes anything; every other variable refuses this.
        // (The SMTP URL, which may hold a password, is never repeated: MailSettingsTests.)
        for variable in AppConfig.variables where variable.accepted != "any text" && variable.shown == nil {
            let error = #expect(throws: AppConfig.ConfigError.self, "\(variable.name)") {
                try AppConfig.fromEnvironment([variable.name: "¿?"])
            }
            #expect(error.map { "\($0)" } == "invalid value for \(variable.name): ¿? (accepted: \(variable.accepted))")
        }
    }

    @Test func aValueInRangeIsTakenAndOneOutsideIsNot() throws {
        #expect(try AppConfig.fromEnvironment(["CABILDO_PORT": "65535"]).port == 65535)
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["CABILDO_PORT": "65536"]) }
        #expect(try AppConfig.fromEnvironment(["CABILDO_RATE_LIMITS": "OFF"]).rateLimits.enabled == false, "on/off in any case")
        #expect(try AppConfig.fromEnvironment(["CABILDO_TRUSTED_PROXIES": ""]).rateLimits.trustedProxies.isEmpty)
    }
}
