# Stand-ins for the themes' own plugins (tufte-jekyll's tags, jekyll-scholar, al-folio's details and
# include_cached), so that Debian's `jekyll build` renders this site as the themes would, near enough for
# the importer's tests to compare visible text. Each renders what its theme documents, without styling.
require "shellwords"

module Constructs
  class Quoted < Liquid::Tag
    def initialize(tag_name, markup, tokens)
      super
      @name = tag_name
      @args = markup.shellsplit
    end

    def render(_context)
      case @name
      when "epigraph"
        "<div class='epigraph'><blockquote><p>#{@args[0]}</p><footer>#{@args[1]}, <cite>#{@args[2]}</cite></footer></blockquote></div>"
      when "newthought" then "<span class='newthought'>#{@args[0]}</span>"
      when "sidenote" then "<span class='sidenote'>#{@args[1]}</span>"
      when "marginnote" then "<span class='marginnote'>#{@args[1]}</span>"
      when "marginfigure" then "<span class='marginnote'><img src='#{@args[1]}' alt='#{@args[2]}'/>#{@args[2]}</span>"
      when "fullwidth" then "<figure class='fullwidth'><img src='#{@args[0]}' alt='#{@args[1]}'/><figcaption>#{@args[1]}</figcaption></figure>"
      end
    end
  end

  class Scholar < Liquid::Tag
    def initialize(tag_name, markup, tokens)
      super
      @name = tag_name
      @keys = markup.split.reject { |word| word.start_with?("--") || word == "references" }
    end

    # jekyll-scholar prints formatted references ("(Ruderman & Bialek, 1994)") that a stand-in cannot:
    # it prints an empty element, and the importer's accounting checks the citation keys instead
    def render(_context)
      "<span class='citation' data-keys='#{@keys.join(',')}'></span>"
    end
  end

  class Details < Liquid::Block
    def initialize(tag_name, markup, tokens)
      super
      @summary = markup.strip
    end

    def render(context)
      "<details><summary>#{@summary}</summary>#{super}</details>"
    end
  end
end

%w[epigraph newthought sidenote marginnote marginfigure fullwidth].each { |name| Liquid::Template.register_tag(name, Constructs::Quoted) }
%w[cite reference bibliography].each { |name| Liquid::Template.register_tag(name, Constructs::Scholar) }
Liquid::Template.register_tag("details", Constructs::Details)
Liquid::Template.register_tag("include_cached", Jekyll::Tags::IncludeTag)
