// Inside the codec: MapEvent with the document's @context already read, so CheckDocument reads
// it once for all its events (capture.h has the public API).
#pragma once

#include <cstddef>
#include <string_view>

#include "ledger/epcis/capture.h"
#include "ledger/epcis/context.h"

namespace tadori::epcis {

// `context_bytes`: the size of the document's @context as written (the transaction carries
// it with the event, so both count against kEventBytesMax).
MapOutcome MapEventInContext(const Namespaces& document_namespaces, size_t context_bytes,
                             std::string_view event_json, std::string_view pointer_prefix);

// ILMD keys the model maps: tadori's namespace for the FSMA 204 KDEs CBV has no attribute for.
// A document binds a prefix to it, {"tadori": "urn:tadori:ilmd:"}, and writes
// "tadori:harvestDate". CBV's "cbvmda:bestBeforeDate" maps too.
inline constexpr std::string_view kTadoriIlmdNamespace = "urn:tadori:ilmd:";

}  // namespace tadori::epcis
