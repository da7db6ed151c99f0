// The per-payload contracts behind Execute() (chaincode.cc dispatches to them). Private
// to chaincode/.
//
// Each returns OK after writing its records (and index entries) into `view`, or the refusal
// that names the rule it broke (the caller drops the view's writes), or INTERNAL for a local
// failure. The rules of each are listed where it is defined.
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
Status ExecuteRegisterDevice(const Caller& caller, const v1::RegisterDevice& payload,
                             StateView& view);
Status ExecuteRevokeDevice(const Caller& caller, const v1::RevokeDevice& payload, StateView& view);
Status ExecuteRegisterLocation(const Caller& caller, const v1::RegisterLocation& payload,
                               StateView& view);
Status ExecuteRegisterProduct(const Caller& caller, const v1::RegisterProduct& payload,
                              StateView& view);

// events.cc
Status ExecuteRecordEvent(const Caller& caller, const v1::RecordEvent& payload, StateView& view);

// epcis_capture.cc
Status ExecuteCaptureEpcisEvent(const Caller& caller, const v1::CaptureEpcisEvent& payload,
                                StateView& view);

// recall.cc
Status ExecuteIssueRecall(const Caller& caller, const v1::IssueRecall& payload, StateView& view);
Status ExecuteContinueRecall(const Caller& caller, const v1::ContinueRecall& payload,
                             StateView& view);

// readings.cc
Status ExecuteSubmitReadings(const Caller& caller, const v1::SubmitReadings& payload,
                             StateView& view);

// pilot.cc
Status ExecuteSubmitPilotReport(const Caller& caller, const v1::SubmitPilotReport& payload,
                                StateView& view);
Status ExecuteAmendPilotReport(const Caller& caller, const v1::AmendPilotReport& payload,
                               StateView& view);
Status ExecuteAddPilotFinding(const Caller& caller, const v1::AddPilotFinding& payload,
                              StateView& view);

}  // namespace tadori
