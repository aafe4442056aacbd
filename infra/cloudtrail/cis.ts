/**
 * CIS AWS Foundations Benchmark, section 4 ("Monitoring"): the 15 CloudTrail metric filters.
 *
 * Plain data, no Pulumi resources: a component builds one metric filter + alarm per entry.
 *
 * Security Hub (controls CloudWatch.1-14) fails a control unless the metric filter carries the
 * benchmark's exact published pattern (it compares the text; a pattern that is logically the same
 * but spaced or ordered differently fails), the alarm is on that filter's metric, and the alarm's
 * SNS topic has at least one subscriber. So every `filterPattern` below is the published text,
 * character for character: do not reformat, reorder or "tidy" them. `infra/cloudtrail/cis.test.ts` checks
 * each one against `tests/fixtures/cis-metric-filters.md` (a byte-for-byte copy of the shared
 * facts file).
 *
 * Numbering is that of CIS v1.4/v3.0 (v1.2 numbered these 3.x, in a different order).
 */

export interface CisControl {
  /** CIS recommendation number, e.g. "4.1". */
  id: string;
  /** Security Hub control id, e.g. "CloudWatch.2"; undefined where there is none (4.15). */
  securityHub?: string;
  /** Short kebab-case name, stable: used in resource names. */
  name: string;
  /** Human title. */
  title: string;
  /** Exactly the published filter pattern. */
  filterPattern: string;
  /** CloudWatch metric name (CamelCase, stable). */
  metricName: string;
}

/**
 * Namespace for the metrics. Security Hub does not check the namespace (only the pattern, the
 * alarm on the filter's metric, and the SNS subscriber); "CISBenchmark" is the name the CIS
 * remediation steps use, so auditors and existing dashboards find the metrics where they expect.
 * Changing it replaces every metric filter and alarm.
 */
export const CIS_METRIC_NAMESPACE = "CISBenchmark";

/**
 * CIS 4.1 as CIS v5 publishes it: the v1.4/v3.0 pattern with
 * `&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")` appended
 * inside the braces. Not what Security Hub CloudWatch.2 checks (that is the catalog's 4.1 entry),
 * so using it fails CloudWatch.2. Note the appended terms are not grouped with parentheses: the
 * two `errorCode` alternatives and the exclusions are mixed `||` / `&&` at one level, so whether
 * the exclusions apply to both alternatives depends on operator precedence. Kept verbatim for
 * teams that audit against v5; test it against sample events before relying on it.
 */
export const CIS_4_1_V5_PATTERN =
  '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}';

const controls: CisControl[] = [
  {
    id: "4.1",
    securityHub: "CloudWatch.2",
    name: "unauthorized-api-calls",
    title: "Unauthorized API calls",
    // v1.4/v3.0 pattern, the one Security Hub CloudWatch.2 checks. CIS v5: CIS_4_1_V5_PATTERN.
    filterPattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    metricName: "UnauthorizedAPICalls",
  },
  {
    id: "4.2",
    securityHub: "CloudWatch.3",
    name: "console-signin-without-mfa",
    title: "Management Console sign-in without MFA",
    filterPattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    metricName: "ConsoleSignInWithoutMFA",
  },
  {
    id: "4.3",
    securityHub: "CloudWatch.1",
    name: "root-usage",
    title: 'Usage of the "root" user',
    filterPattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    metricName: "RootAccountUsage",
  },
  {
    id: "4.4",
    securityHub: "CloudWatch.4",
    name: "iam-policy-changes",
    title: "IAM policy changes",
    filterPattern:
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    metricName: "IAMPolicyChanges",
  },
  {
    id: "4.5",
    securityHub: "CloudWatch.5",
    name: "cloudtrail-changes",
    title: "CloudTrail configuration changes",
    filterPattern:
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    metricName: "CloudTrailChanges",
  },
  {
    id: "4.6",
    securityHub: "CloudWatch.6",
    name: "console-auth-failures",
    title: "Management Console authentication failures",
    filterPattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    metricName: "ConsoleAuthenticationFailures",
  },
  {
    id: "4.7",
    securityHub: "CloudWatch.7",
    name: "cmk-disable-or-deletion",
    title: "Disabling or scheduled deletion of customer managed KMS keys",
    filterPattern:
      "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    metricName: "DisableOrDeleteCMK",
  },
  {
    id: "4.8",
    securityHub: "CloudWatch.8",
    name: "s3-bucket-policy-changes",
    title: "S3 bucket policy changes",
    filterPattern:
      "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    metricName: "S3BucketPolicyChanges",
  },
  {
    id: "4.9",
    securityHub: "CloudWatch.9",
    name: "aws-config-changes",
    title: "AWS Config configuration changes",
    filterPattern:
      "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    metricName: "AWSConfigChanges",
  },
  {
    id: "4.10",
    securityHub: "CloudWatch.10",
    name: "security-group-changes",
    title: "Security group changes",
    filterPattern:
      "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    metricName: "SecurityGroupChanges",
  },
  {
    id: "4.11",
    securityHub: "CloudWatch.11",
    name: "nacl-changes",
    title: "Network ACL changes",
    filterPattern:
      "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    metricName: "NACLChanges",
  },
  {
    id: "4.12",
    securityHub: "CloudWatch.12",
    name: "network-gateway-changes",
    title: "Network gateway changes",
    filterPattern:
      "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    metricName: "NetworkGatewayChanges",
  },
  {
    id: "4.13",
    securityHub: "CloudWatch.13",
    name: "route-table-changes",
    title: "Route table changes",
    filterPattern:
      "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    metricName: "RouteTableChanges",
  },
  {
    id: "4.14",
    securityHub: "CloudWatch.14",
    name: "vpc-changes",
    title: "VPC changes",
    // Still lists the EC2-Classic ClassicLink events (EC2-Classic is retired): published text, keep.
    filterPattern:
      "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    metricName: "VPCChanges",
  },
  {
    id: "4.15",
    // No Security Hub control: CIS-only.
    name: "organizations-changes",
    title: "AWS Organizations changes",
    filterPattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
    metricName: "OrganizationsChanges",
  },
];

/** The 15 CIS section-4 monitoring controls, in CIS order. Frozen, entries included. */
export const CIS_CONTROLS: readonly Readonly<CisControl>[] = Object.freeze(
  controls.map((control) => Object.freeze(control)),
);
