// Device-signed sensor reading batches (payloads.proto: ReadingBatch, SubmitReadings).
//
// A device (a truck's temperature logger, a cold-room gateway) signs the exact bytes of a
// serialized ReadingBatch; any member of the device's organisation then submits the bytes
// and the signature as a SubmitReadings payload. The signed string is
//   message   = "TADORI-READINGS-V1" (18 ASCII bytes, no terminator) || SHA-256(batch) (32)
//   signature = Sign(device key, message)
// (ECDSA P-256 over SHA-256 of `message`, 64 bytes r||s low-S; or Ed25519 over `message`),
// so a transaction signature ("TADORI-TX-V1") can never pass for a device signature.
// Functions are pure apart from the randomness of signing, and thread-safe.
#pragma once

#include <string_view>

#include "ledger/bytes.h"
#include "ledger/keys.h"
#include "ledger/status.h"
#include "tadori/v1/payloads.pb.h"

namespace tadori::client {

inline constexpr std::string_view kReadingsSigningTag = "TADORI-READINGS-V1";

// The bytes a device signs for the serialized batch `batch_bytes`.
Bytes ReadingsSigningMessage(ByteView batch_bytes);

// Serializes `batch` once and signs those bytes with `device_key`. The payload carries the
// very bytes that were signed; nothing re-serializes them later.
v1::SubmitReadings SignReadingBatch(const v1::ReadingBatch& batch, const PrivateKey& device_key);

// A ReadingBatch from its protobuf JSON (lowerCamelCase or snake_case names, 64-bit
// integers as strings or numbers), e.g.
//   {"deviceId": "urn:dev:kyushu-coldchain:truck-7", "sequence": "1",
//    "lotCodes": ["KF-CABBAGE-0001"],
//    "readings": [{"time": "2026-11-20T08:00:00+09:00", "sensorType": "temperature",
//                  "valueMilli": "3200", "unit": "CEL"}]}
// INVALID_ARGUMENT for text that is not such an object (unknown fields included), an empty
// device id, sequence 0, or no readings.
Result<v1::ReadingBatch> ParseReadingBatchJson(std::string_view json);

}  // namespace tadori::client
