// `npm run rest:example-body -- <file>`: writes a UserRegistrationRequest as protobuf bytes for `curl --data-binary @<file>`.
import { writeFile } from "node:fs/promises";
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import {
  UserRegistrationRequest_ProfileDetails_InvestmentProfile as InvestmentProfile,
  UserRegistrationRequest_ProfileDetails_RiskTolerance as RiskTolerance,
  UserRegistrationRequestSchema,
} from "../src/generated/proto/user_management/v1/registration_pb.js";

const [file = "register.bin", email = "ada@example.com"] = process.argv.slice(2);
const request = create(UserRegistrationRequestSchema, {
  email,
  password: "correct horse battery staple",
  fullName: "Ada Lovelace",
  profileDetails: { investmentProfile: InvestmentProfile.MODERATE, riskTolerance: RiskTolerance.MEDIUM },
});
const bytes = toBinary(UserRegistrationRequestSchema, request);
const json = toJsonString(UserRegistrationRequestSchema, request);
await writeFile(file, bytes);
console.log(`${file}: ${bytes.length} bytes of protobuf (the same request as JSON: ${Buffer.byteLength(json)} bytes)`);
