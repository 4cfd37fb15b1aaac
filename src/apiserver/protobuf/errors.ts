/** The body is not a well-formed Kubernetes protobuf message, or its kind has no schema here. */
export class ProtobufDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtobufDecodeError';
  }
}

/** The object cannot be written as protobuf (no schema for its kind, or a value of the wrong type). */
export class ProtobufEncodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtobufEncodeError';
  }
}
