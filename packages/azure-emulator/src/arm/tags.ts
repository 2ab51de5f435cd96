// The tag rules ARM applies to every resource it writes, as it answers them. The emulator keeps
// its own copy (it shares no code with the operator), from:
// - Microsoft Learn, "Use tags to organize your Azure resources and management hierarchy"
//   (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations, source
//   MicrosoftDocs/azure-docs articles/azure-resource-manager/management/tag-resources.md, ms.date
//   2025-02-06): at most 50 tag name-value pairs per resource; a tag name has a limit of 512
//   characters (128 for storage accounts: not emulated, there are none here) and a value 256; tag
//   names can't contain `<`, `>`, `%`, `&`, `\`, `?`, `/`.
// - The error codes: `InvalidTagNameCharacters` and its message are ARM's own (Microsoft Learn,
//   "Write Azure CLI commands for both Bash and PowerShell", shows `(InvalidTagNameCharacters) The
//   tag names '…' have reserved characters '<,>,%,&,\,?,/'`). `InvalidTags` (count),
//   `InvalidTagName` (empty or too long) and `InvalidTagValueLength` and their wording are taken
//   from Azure PowerShell's Az.Migrate, which checks tags client-side with ARM's messages before
//   sending them: inferred, not observed from ARM itself.
// Each limit is counted in UTF-16 code units, as .NET (ARM) counts string length.
import { armErrors } from '../errors.ts';

export const MAX_TAGS = 50;
export const MAX_TAG_NAME_LENGTH = 512;
export const MAX_TAG_VALUE_LENGTH = 256;
const FORBIDDEN_IN_NAMES = /[<>%&\\?/\p{Cc}]/u;

/** Throws ARM's 400 for tags it refuses; the first rule broken wins, as ARM reports one error. */
export function checkTagLimits(tags: Readonly<Record<string, string>>): void {
  const names = Object.keys(tags);
  if (names.length > MAX_TAGS) {
    throw armErrors.badRequest(
      'InvalidTags',
      `Too many tags specified. Requested tag count - '${names.length}'. Maximum number of tags allowed - '${MAX_TAGS}'.`,
    );
  }
  if (names.some((name) => name.trim() === '')) {
    throw armErrors.badRequest(
      'InvalidTagName',
      'The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.',
    );
  }
  const reserved = names.filter((name) => FORBIDDEN_IN_NAMES.test(name));
  if (reserved.length > 0) {
    throw armErrors.badRequest(
      'InvalidTagNameCharacters',
      `The tag names '${reserved.join(', ')}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
    );
  }
  const longNames = names.filter((name) => name.length > MAX_TAG_NAME_LENGTH);
  if (longNames.length > 0) {
    throw armErrors.badRequest(
      'InvalidTagName',
      `Tag key too large. Following tag name '${longNames.join(', ')}' exceeded the maximum length. Maximum allowed length for tag name - '${MAX_TAG_NAME_LENGTH}' characters.`,
    );
  }
  const longValues = names.filter((name) => (tags[name] ?? '').length > MAX_TAG_VALUE_LENGTH);
  if (longValues.length > 0) {
    throw armErrors.badRequest(
      'InvalidTagValueLength',
      `Tag value too large. Following tag value '${longValues.map((name) => tags[name]).join(', ')}' exceeded the maximum length. Maximum allowed length for tag value - '${MAX_TAG_VALUE_LENGTH}' characters.`,
    );
  }
}
