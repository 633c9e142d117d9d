/**
 * Two LocalStack bugs fixed from outside, through the AWS API, after each `serverless deploy`
 * of the `local` stage, in both modes (Docker mode cannot load the host executor's server-side
 * patches, localstack/host/src/localstack_host_executor/patches.py; in host mode, with them on,
 * these find nothing to do and say so):
 *
 * 1. CloudFormation drops AWS::Lambda::Function's `ReservedConcurrentExecutions` (4.13.1 and
 *    4.14.0): each function's reserved concurrency is set (or removed) to what the deployed
 *    template says, so rng's reserved concurrency of 1, the workshop's bottleneck, applies.
 * 2. An update deploy deletes the live API stage (4.13.1: GetStages ignores deploymentId;
 *    fixed in 4.14.0): if the stage is gone, it is created again on the stack's deployment,
 *    so the API answers instead of 404.
 */
import {
  APIGatewayClient,
  CreateStageCommand,
  GetStageCommand,
  NotFoundException,
} from "@aws-sdk/client-api-gateway";
import {
  CloudFormationClient,
  GetTemplateCommand,
  paginateListStackResources,
  type StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from "@aws-sdk/client-lambda";
import { clientOptions, REST_API_ID, STACK_NAME, STAGE } from "./stack";

export class StackFixError extends Error {
  override readonly name = "StackFixError";
}

interface TemplateResource {
  Type?: string;
  Properties?: { ReservedConcurrentExecutions?: unknown };
}

/** What the deployed template wants: function name → reserved concurrency (undefined: none). */
export function wantedConcurrency(
  templateBody: string,
  physicalIds: ReadonlyMap<string, string>,
): Map<string, number | undefined> {
  const resources = (JSON.parse(templateBody) as { Resources?: Record<string, TemplateResource> })
    .Resources;
  const wanted = new Map<string, number | undefined>();
  for (const [logicalId, resource] of Object.entries(resources ?? {})) {
    if (resource.Type !== "AWS::Lambda::Function") continue;
    const name = physicalIds.get(logicalId);
    if (name === undefined) throw new StackFixError(`${logicalId} is not in stack ${STACK_NAME}`);
    const raw = resource.Properties?.ReservedConcurrentExecutions;
    if (raw !== undefined && !Number.isInteger(Number(raw))) {
      throw new StackFixError(
        `${logicalId}: ReservedConcurrentExecutions is ${JSON.stringify(raw)}`,
      );
    }
    wanted.set(name, raw === undefined ? undefined : Number(raw));
  }
  return wanted;
}

async function stackResources(cfn: CloudFormationClient): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: STACK_NAME })) {
    all.push(...(page.StackResourceSummaries ?? []));
  }
  return all;
}

async function fixReservedConcurrency(
  lambda: LambdaClient,
  wanted: Map<string, number | undefined>,
): Promise<string[]> {
  const done: string[] = [];
  for (const [name, reserved] of wanted) {
    const { ReservedConcurrentExecutions: current } = await lambda.send(
      new GetFunctionConcurrencyCommand({ FunctionName: name }),
    );
    if (current === reserved) continue;
    if (reserved === undefined) {
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
      done.push(`${name}: reserved concurrency ${current} removed`);
    } else {
      await lambda.send(
        new PutFunctionConcurrencyCommand({
          FunctionName: name,
          ReservedConcurrentExecutions: reserved,
        }),
      );
      done.push(`${name}: reserved concurrency set to ${reserved} (was ${current ?? "none"})`);
    }
  }
  return done;
}

async function fixStage(
  apigateway: APIGatewayClient,
  resources: StackResourceSummary[],
): Promise<string | undefined> {
  try {
    await apigateway.send(new GetStageCommand({ restApiId: REST_API_ID, stageName: STAGE }));
    return undefined;
  } catch (err) {
    if (!(err instanceof NotFoundException)) throw err;
  }
  const deployments = resources.filter((r) => r.ResourceType === "AWS::ApiGateway::Deployment");
  const deploymentId = deployments[0]?.PhysicalResourceId;
  if (deployments.length !== 1 || deploymentId === undefined) {
    throw new StackFixError(
      `stage ${STAGE} of API ${REST_API_ID} is gone and the stack holds ${deployments.length} deployments`,
    );
  }
  await apigateway.send(
    new CreateStageCommand({ restApiId: REST_API_ID, stageName: STAGE, deploymentId }),
  );
  return `API ${REST_API_ID}: stage ${STAGE} was gone (deleted with the previous deployment); created again on deployment ${deploymentId}`;
}

/** Applies both fixes; resolves with one line per change made (none: nothing was wrong). */
export async function applyStackFixes(endpoint: string): Promise<string[]> {
  const options = clientOptions(endpoint);
  const cfn = new CloudFormationClient(options);
  const resources = await stackResources(cfn);
  const physicalIds = new Map(
    resources.map((r) => [r.LogicalResourceId ?? "", r.PhysicalResourceId ?? ""]),
  );
  const { TemplateBody = "{}" } = await cfn.send(new GetTemplateCommand({ StackName: STACK_NAME }));
  const done = await fixReservedConcurrency(
    new LambdaClient(options),
    wantedConcurrency(TemplateBody, physicalIds),
  );
  const stage = await fixStage(new APIGatewayClient(options), resources);
  if (stage !== undefined) done.push(stage);
  return done;
}
