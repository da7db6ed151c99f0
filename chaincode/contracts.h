// The per-payload contracts behind Execute() (chaincode.cc dispatches to them). Private
// to chaincode/.
//
// Each returns OK after writing its records into `view`, or the refusal that names the
// rule it broke (the caller drops the view's writes), or INTERNAL for a local failure.
#pragma once

#include "chaincode/chaincode.h"

namespace tadori {

// Who is acting: the transaction context and the signer's member record, already checked
// to be an active member.
struct Caller {
  const TxContext& ctx;
  const v1::MemberRecord& member;
};

// registry.cc
Status ExecuteRegisterMember(const Caller& caller, const v1::RegisterMember& payload,
                             StateView& view);
Status ExecuteRevokeMember(const Caller& caller, const v1::RevokeMember& payload, StateView& view);

// custody.cc
Status ExecuteCreateLot(const Caller& caller, const v1::CreateLot& payload, StateView& view);
Status ExecuteShipLot(const Caller& caller, const v1::ShipLot& payload, StateView& view);
Status ExecuteReceiveLot(const Caller& caller, const v1::ReceiveLot& payload, StateView& view);

}  // namespace tadori
