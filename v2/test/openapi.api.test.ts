import { describeOpenApiRoutes } from '../../shared/test/openapi/describe-openapi-routes';
import { v2Target } from './support/target';

describeOpenApiRoutes(v2Target);
