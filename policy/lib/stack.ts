// The stack being previewed. The Pulumi CLI starts the policy pack with PULUMI_NODEJS_STACK (and PULUMI_STACK)
// set to it, so the pack's own @pulumi/pulumi answers getStack() as the program's does.
import * as pulumi from "@pulumi/pulumi";

export function stackName(): string {
  return pulumi.getStack();
}
