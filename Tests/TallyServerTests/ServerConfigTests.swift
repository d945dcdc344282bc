import Testing
@testable import TallyServer

@Suite struct ServerConfigTests {
    @Test func parsesListenAddresses() {
        #expect(ServerConfig.parseListen("127.0.0.1:7878")! == ("127.0.0.1", 7878))
        #expect(ServerConfig.parseListen("[::1]:9000")! == ("::1", 9000))
        #expect(ServerConfig.parseListen("localhost") == nil)
        #expect(ServerConfig.parseListen("host:0") == nil)
        #expect(ServerConfig.parseListen(":80") == nil)
        #expect(ServerConfig.isLoopback("127.0.0.1") && ServerConfig.isLoopback("::1") && !ServerConfig.isLoopback("0.0.0.0"))
    }
}
