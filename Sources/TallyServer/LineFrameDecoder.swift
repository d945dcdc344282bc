import NIOCore

/// One framed input line, or the note that a line was longer than the limit.
public enum LineFrame: Sendable, Equatable {
    /// A line without its `\n` (and without a `\r` before it).
    case line(ByteBuffer)
    /// A line passed the limit after this many bytes; its remainder up to the next `\n` is skipped.
    case tooLong(Int)
}

/// Splits bytes into lines with a hard length limit that does not end the connection.
///
/// NIOExtras' LineBasedFrameDecoder can only be capped through ByteToMessageHandler's
/// maximumBufferSize, which turns an over-long line into a fatal pipeline error. Here an over-long
/// line yields `.tooLong` as soon as it passes the limit (so the client hears about it at once and
/// the server never holds more than the limit), its rest is discarded up to the newline, and the
/// next line is read normally.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    public let maxLineBytes: Int
    /// Bytes of the buffer already searched for a newline (so a slowly arriving long line is scanned once).
    private var scanned = 0
    /// True while skipping the rest of an over-long line.
    private var discarding = false

    public init(maxLineBytes: Int) {
        precondition(maxLineBytes > 0)
        self.maxLineBytes = maxLineBytes
    }

    /// Offset of the first `\n` at or after `from` in the readable bytes.
    private static func newline(in buffer: ByteBuffer, from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { raw -> Int? in
            guard from < raw.count else { return nil }
            return raw[from...].firstIndex(of: 0x0A)
        }
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if discarding {
            if let nl = LineFrameDecoder.newline(in: buffer, from: 0) {
                buffer.moveReaderIndex(forwardBy: nl + 1)
                discarding = false
                return .continue
            }
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .needMoreData
        }
        if let nl = LineFrameDecoder.newline(in: buffer, from: scanned) {
            scanned = 0
            var length = nl
            if length > maxLineBytes {
                buffer.moveReaderIndex(forwardBy: nl + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong(length)))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == 0x0D {
                length -= 1
                line = line.getSlice(at: line.readerIndex, length: length)!
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        if buffer.readableBytes > maxLineBytes {
            let seen = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: seen)
            scanned = 0
            discarding = true
            context.fireChannelRead(wrapInboundOut(.tooLong(seen)))
            return .continue
        }
        scanned = buffer.readableBytes
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without a newline is a request cut off by the peer closing: it is not answered.
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
