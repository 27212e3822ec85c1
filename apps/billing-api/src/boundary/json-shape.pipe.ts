import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { jsonShapeIssue } from '@tally/contracts';
import { fieldsRefused } from '../errors/api.exception';

/**
 * The contracts' shape check on every body and query, before ValidationPipe walks them: the
 * depth limit keeps class-transformer's recursion bounded, and a prototype key or a string
 * PostgreSQL cannot store is a 400 naming the field instead of a silent drop or a 500.
 */
@Injectable()
export class JsonShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const issue = jsonShapeIssue(value);
    if (issue === null) return value;
    throw fieldsRefused([issue.path], issue.message);
  }
}
